//! wgpu paint callbacks: the video frame drawn from YUV planes by `shaders/*.wgsl`.
//! Sits between `video` (frames) and `ui` (which places the callback).

pub mod yuv_params;
pub mod yuv_video;
