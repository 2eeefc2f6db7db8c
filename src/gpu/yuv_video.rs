//! The video frame on the GPU: its Y, U and V planes go to three R8 textures (written in
//! place; re-created only when the frame size changes) and `shaders/yuv_to_rgb.wgsl`
//! converts them to RGB while drawing, inside egui's render pass.

use std::sync::{Arc, Mutex};

use eframe::egui_wgpu::{self, CallbackResources, CallbackTrait, RenderState, wgpu};
use egui::Rect;

use super::yuv_params::YuvParams;
use crate::video::{FrameConverter, VideoFrame};

const SHADER: &str = include_str!("../../shaders/yuv_to_rgb.wgsl");

/// A frame waiting for upload: 8-bit 4:2:0, shared with the decoder's output (no copy
/// until `write_texture`).
type PendingFrame = VideoFrame;

/// The GPU objects, kept in egui-wgpu's callback resources.
struct YuvPipeline {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    uniforms: wgpu::Buffer,
    linear: wgpu::Sampler,
    nearest: wgpu::Sampler,
    /// Textures for the sizes shown lately (the frames and their scrubbing
    /// thumbnails), each with a bind group per sampler; the current one first.
    planes: Vec<PlaneTextures>,
    output_linear: bool,
    params: YuvParams,
}

struct PlaneTextures {
    size: (u32, u32),
    textures: [wgpu::Texture; 3],
    bind_linear: wgpu::BindGroup,
    bind_nearest: wgpu::BindGroup,
}

impl YuvPipeline {
    fn new(device: &wgpu::Device, target_format: wgpu::TextureFormat) -> Self {
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("yuv_to_rgb"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let texture_entry = |binding| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::FRAGMENT,
            ty: wgpu::BindingType::Texture {
                sample_type: wgpu::TextureSampleType::Float { filterable: true },
                view_dimension: wgpu::TextureViewDimension::D2,
                multisampled: false,
            },
            count: None,
        };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("yuv planes"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                texture_entry(1),
                texture_entry(2),
                texture_entry(3),
                wgpu::BindGroupLayoutEntry {
                    binding: 4,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("yuv_to_rgb"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("yuv_to_rgb"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format: target_format,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            primitive: wgpu::PrimitiveState {
                topology: wgpu::PrimitiveTopology::TriangleStrip,
                ..Default::default()
            },
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            multiview_mask: None,
            cache: None,
        });
        let uniforms = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("yuv params"),
            size: 64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let sampler = |filter| {
            device.create_sampler(&wgpu::SamplerDescriptor {
                label: Some("video frame"),
                address_mode_u: wgpu::AddressMode::ClampToEdge,
                address_mode_v: wgpu::AddressMode::ClampToEdge,
                mag_filter: filter,
                min_filter: wgpu::FilterMode::Linear,
                ..Default::default()
            })
        };
        Self {
            pipeline,
            layout,
            uniforms,
            linear: sampler(wgpu::FilterMode::Linear),
            nearest: sampler(wgpu::FilterMode::Nearest),
            planes: Vec::new(),
            output_linear: target_format.is_srgb(),
            params: YuvParams::new(
                crate::video::ColorMatrix::Bt709,
                crate::video::ColorRange::Limited,
            ),
        }
    }

    /// Makes the textures of this size the current ones, creating them only when no
    /// recent set has this size (so alternating thumbnails and frames reuse both).
    fn ensure_textures(&mut self, device: &wgpu::Device, width: u32, height: u32) {
        if let Some(at) = self.planes.iter().position(|p| p.size == (width, height)) {
            let set = self.planes.remove(at);
            self.planes.insert(0, set);
            return;
        }
        let chroma = (width.div_ceil(2), height.div_ceil(2));
        let make = |label, (w, h): (u32, u32)| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: wgpu::Extent3d {
                    width: w,
                    height: h,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: wgpu::TextureFormat::R8Unorm,
                usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
                view_formats: &[],
            })
        };
        let textures = [
            make("plane y", (width, height)),
            make("plane u", chroma),
            make("plane v", chroma),
        ];
        let views: Vec<wgpu::TextureView> = textures
            .iter()
            .map(|t| t.create_view(&wgpu::TextureViewDescriptor::default()))
            .collect();
        let bind = |sampler: &wgpu::Sampler| {
            device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("yuv planes"),
                layout: &self.layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: self.uniforms.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: wgpu::BindingResource::TextureView(&views[0]),
                    },
                    wgpu::BindGroupEntry {
                        binding: 2,
                        resource: wgpu::BindingResource::TextureView(&views[1]),
                    },
                    wgpu::BindGroupEntry {
                        binding: 3,
                        resource: wgpu::BindingResource::TextureView(&views[2]),
                    },
                    wgpu::BindGroupEntry {
                        binding: 4,
                        resource: wgpu::BindingResource::Sampler(sampler),
                    },
                ],
            })
        };
        let bind_linear = bind(&self.linear);
        let bind_nearest = bind(&self.nearest);
        self.planes.insert(
            0,
            PlaneTextures {
                size: (width, height),
                textures,
                bind_linear,
                bind_nearest,
            },
        );
        self.planes.truncate(2);
    }

    fn upload(&mut self, device: &wgpu::Device, queue: &wgpu::Queue, frame: &PendingFrame) {
        let Some(planes) = frame.yuv420_planes() else {
            return;
        };
        self.ensure_textures(device, planes.width, planes.height);
        self.params = YuvParams::new(planes.color_matrix, planes.color_range);
        let Some(textures) = self.planes.first() else {
            return;
        };
        let chroma = (planes.width.div_ceil(2), planes.height.div_ceil(2));
        let uploads = [
            (planes.y, planes.y_stride, (planes.width, planes.height)),
            (planes.u, planes.u_stride, chroma),
            (planes.v, planes.v_stride, chroma),
        ];
        for (texture, (data, stride, (w, h))) in textures.textures.iter().zip(uploads) {
            queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                data,
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(stride as u32),
                    rows_per_image: Some(h),
                },
                wgpu::Extent3d {
                    width: w,
                    height: h,
                    depth_or_array_layers: 1,
                },
            );
        }
    }
}

/// One paint of the video: uploads a pending frame, sets the visible part, draws.
struct YuvCallback {
    pending: Arc<Mutex<Option<PendingFrame>>>,
    uv: Rect,
    nearest: bool,
}

impl CallbackTrait for YuvCallback {
    fn prepare(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        _screen: &egui_wgpu::ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        let Some(pipeline) = resources.get_mut::<YuvPipeline>() else {
            return Vec::new();
        };
        let pending = self.pending.lock().ok().and_then(|mut p| p.take());
        if let Some(frame) = pending {
            pipeline.upload(device, queue, &frame);
        }
        let mut params = pipeline.params;
        params.uv_min = [self.uv.min.x, self.uv.min.y];
        params.uv_max = [self.uv.max.x, self.uv.max.y];
        params.output_linear = if pipeline.output_linear { 1.0 } else { 0.0 };
        queue.write_buffer(&pipeline.uniforms, 0, &params.as_bytes());
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        render_pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        let Some(pipeline) = resources.get::<YuvPipeline>() else {
            return;
        };
        let Some(planes) = pipeline.planes.first() else {
            return;
        };
        render_pass.set_pipeline(&pipeline.pipeline);
        let bind = if self.nearest {
            &planes.bind_nearest
        } else {
            &planes.bind_linear
        };
        render_pass.set_bind_group(0, bind, &[]);
        render_pass.draw(0..4, 0..1);
    }
}

/// The UI's handle on the GPU path for one video.
pub struct GpuVideo {
    pending: Arc<Mutex<Option<PendingFrame>>>,
    version: u64,
    /// Converts frames that are not 8-bit 4:2:0; it names the video in its errors.
    converter: FrameConverter,
}

impl GpuVideo {
    /// Makes sure the pipeline exists in egui-wgpu's resources.
    pub fn new(render_state: &RenderState, video: &std::path::Path) -> Self {
        let mut renderer = render_state.renderer.write();
        if renderer.callback_resources.get::<YuvPipeline>().is_none() {
            let pipeline = YuvPipeline::new(&render_state.device, render_state.target_format);
            renderer.callback_resources.insert(pipeline);
        }
        Self {
            pending: Arc::new(Mutex::new(None)),
            version: u64::MAX,
            converter: FrameConverter::new(video),
        }
    }

    /// Queues `frame` for upload if its version is new. Frames not in 8-bit 4:2:0 are
    /// converted to it first (swscale), as the shader reads three 8-bit planes.
    pub fn set_frame(&mut self, frame: &VideoFrame, version: u64) {
        if version == self.version {
            return;
        }
        self.version = version;
        let pending = if frame.yuv420_planes().is_some() {
            frame.clone()
        } else {
            match self.converter.to_yuv420(frame) {
                Ok(converted) => converted,
                Err(e) => {
                    tracing::warn!("cannot show frame {}: {e}", frame.frame_idx());
                    return;
                }
            }
        };
        if let Ok(mut slot) = self.pending.lock() {
            *slot = Some(pending);
        }
    }

    /// Adds the paint callback that draws the part `uv` of the frame into `rect`.
    pub fn paint(&self, painter: &egui::Painter, rect: Rect, uv: Rect, nearest: bool) {
        painter.add(egui_wgpu::Callback::new_paint_callback(
            rect,
            YuvCallback {
                pending: Arc::clone(&self.pending),
                uv,
                nearest,
            },
        ));
    }
}
