// Draws a video frame from its Y, U and V planes (8-bit, 4:2:0), converting to RGB with
// the stream's matrix (BT.601, BT.709 or BT.2020) and range (limited or full).

struct Params {
    // The visible part of the frame, in texture coordinates (0..1).
    uv_min: vec2<f32>,
    uv_max: vec2<f32>,
    // Luma: y = (Y - y_offset) * y_scale; chroma: c = (C - c_offset) * c_scale.
    y_offset: f32,
    y_scale: f32,
    c_offset: f32,
    c_scale: f32,
    // R = y + k.x * v;  G = y - k.y * u - k.z * v;  B = y + k.w * u.
    k: vec4<f32>,
    // 1 when the target stores linear values (an sRGB format), so we decode gamma.
    output_linear: f32,
    _pad0: f32,
    _pad1: f32,
    _pad2: f32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var plane_y: texture_2d<f32>;
@group(0) @binding(2) var plane_u: texture_2d<f32>;
@group(0) @binding(3) var plane_v: texture_2d<f32>;
@group(0) @binding(4) var frame_sampler: sampler;

struct VertexOut {
    @builtin(position) position: vec4<f32>,
    @location(0) uv: vec2<f32>,
};

// A triangle strip covering the viewport that egui set to the callback's rectangle.
@vertex
fn vs_main(@builtin(vertex_index) index: u32) -> VertexOut {
    let corner = vec2<f32>(f32(index & 1u), f32(index >> 1u));
    var out: VertexOut;
    out.position = vec4<f32>(corner.x * 2.0 - 1.0, 1.0 - corner.y * 2.0, 0.0, 1.0);
    out.uv = mix(params.uv_min, params.uv_max, corner);
    return out;
}

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    let low = c / 12.92;
    let high = pow((c + vec3<f32>(0.055)) / 1.055, vec3<f32>(2.4));
    return select(high, low, c <= vec3<f32>(0.04045));
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    let y = (textureSample(plane_y, frame_sampler, in.uv).r - params.y_offset) * params.y_scale;
    let u = (textureSample(plane_u, frame_sampler, in.uv).r - params.c_offset) * params.c_scale;
    let v = (textureSample(plane_v, frame_sampler, in.uv).r - params.c_offset) * params.c_scale;
    var rgb = vec3<f32>(
        y + params.k.x * v,
        y - params.k.y * u - params.k.z * v,
        y + params.k.w * u,
    );
    rgb = clamp(rgb, vec3<f32>(0.0), vec3<f32>(1.0));
    if (params.output_linear > 0.5) {
        rgb = srgb_to_linear(rgb);
    }
    return vec4<f32>(rgb, 1.0);
}
