"""Tiny ONNX pose models for Kinelab's inference tests, and each family's own decoding
written out in numpy, run through onnxruntime as the reference.

    python pose_models.py make OUTDIR            writes <family>_planted.onnx and
                                                 <family>_random.onnx for each family
    python pose_models.py reference OUTDIR FRAME.png
                                                 prints {family: [[x, y, score], ...]}
                                                 for each *_random.onnx on the frame

"planted" models ignore their input and output fixed tensors with peaks placed by hand,
so the tests can check decoding and the mapping back to the frame exactly. "random"
models are small convolutional networks with random weights, so the output depends on
every pixel of the input and any difference in preprocessing shows.
"""

import json
import os
import sys

import cv2
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)
IMAGENET_MEAN = np.array([123.675, 116.28, 103.53], np.float32)
IMAGENET_STD = np.array([58.395, 57.12, 57.375], np.float32)
K = 2  # keypoints in every test model


def save(path, nodes, inputs, outputs, inits, metadata=None):
    graph = helper.make_graph(nodes, "pose", inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for k, v in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.checker.check_model(model)
    onnx.save(model, path)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array, np.float32), name)


def image_input(name, h, w, batch="N"):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [batch, 3, h, w])


def out_info(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def zero_of(image, out, rank):
    """Nodes giving `out` = 0 shaped [N, 1, ...] (rank dims) from the image, so planted
    constants broadcast over the batch."""
    shape = [-1] + [1] * (rank - 1)
    return [
        helper.make_node("Cast", [image], [out + "_f"], to=TensorProto.FLOAT),
        helper.make_node("ReduceMean", [out + "_f"], [out + "_m"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Mul", [out + "_m", "zero"], [out + "_z"]),
        helper.make_node("Reshape", [out + "_z", out + "_shape"], [out]),
    ], [const("zero", [0.0]), numpy_helper.from_array(np.array(shape, np.int64), out + "_shape")]


def planted(path, image, h, w, outputs, batch="N", metadata=None, image_info=None, bools=()):
    """outputs: {name: array of shape [1, ...]}; each output = zero + array (cast to
    booleans for the names in `bools`)."""
    nodes, inits = [], []
    infos = []
    for name, array in outputs.items():
        rank = len(array.shape)
        n, i = zero_of(image, f"z{rank}", rank)
        if not any(x.name == i[1].name for x in inits):
            nodes += n
            inits += [x for x in i if not any(y.name == x.name for y in inits)]
        inits.append(const(name + "_c", array))
        if name in bools:
            nodes.append(helper.make_node("Add", [f"z{rank}", name + "_c"], [name + "_sum"]))
            nodes.append(helper.make_node("Cast", [name + "_sum"], [name], to=TensorProto.BOOL))
            infos.append(helper.make_tensor_value_info(name, TensorProto.BOOL, [batch] + list(array.shape[1:])))
        else:
            nodes.append(helper.make_node("Add", [f"z{rank}", name + "_c"], [name]))
            infos.append(out_info(name, [batch] + list(array.shape[1:])))
    save(path, nodes, [image_info or image_input(image, h, w, batch)], infos, inits, metadata)


def conv(nodes, inits, x, name, cin, cout, k, s, relu=True):
    wgt = (RNG.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
    bias = (RNG.standard_normal(cout) * 0.1).astype(np.float32)
    inits += [const(name + "_w", wgt), const(name + "_b", bias)]
    nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name],
                                  kernel_shape=[k, k], strides=[s, s], pads=[k // 2] * 4))
    if relu:
        nodes.append(helper.make_node("Relu", [name], [name + "_r"]))
        return name + "_r"
    return name


def trunk(nodes, inits, image, strides):
    x, cin = image, 3
    for i, s in enumerate(strides):
        x = conv(nodes, inits, x, f"t{i}", cin, 8, 3, s)
        cin = 8
    return x


def make(out):
    # DeepLabCut: heatmap [N, K, 8, 8] and locref [N, 2K, 8, 8] from a 64×64 input.
    hm = np.full((1, K, 8, 8), -5.0, np.float32)
    hm[0, 0, 2, 5] = 3.0
    hm[0, 1, 6, 1] = 1.0
    lr = np.zeros((1, 2 * K, 8, 8), np.float32)
    lr[0, 0, 2, 5], lr[0, 1, 2, 5] = 0.5, -0.25
    planted(f"{out}/dlc_planted.onnx", "image", 64, 64, {"heatmap": hm, "locref": lr})
    nodes, inits = [], []
    x = trunk(nodes, inits, "image", [2, 2, 2])
    conv(nodes, inits, x, "heatmap", 8, K, 1, 1, relu=False)
    conv(nodes, inits, x, "locref", 8, 2 * K, 1, 1, relu=False)
    save(f"{out}/dlc_random.onnx", nodes, [image_input("image", 64, 64)],
         [out_info("heatmap", ["N", K, 8, 8]), out_info("locref", ["N", 2 * K, 8, 8])], inits)

    # MMPose top-down heatmaps: "output" [N, K, 16, 12] from a 64×48 crop.
    hm = np.zeros((1, K, 16, 12), np.float32)
    hm[0, 0, 5, 7], hm[0, 0, 5, 8], hm[0, 0, 5, 6] = 0.9, 0.5, 0.2
    hm[0, 0, 4, 7], hm[0, 0, 6, 7] = 0.1, 0.3
    hm[0, 1, 0, 3], hm[0, 1, 0, 4] = 0.7, 0.6
    planted(f"{out}/mmpose_planted.onnx", "input", 64, 48, {"output": hm})
    nodes, inits = [], []
    x = trunk(nodes, inits, "input", [2, 2])
    conv(nodes, inits, x, "output", 8, K, 1, 1, relu=False)
    save(f"{out}/mmpose_random.onnx", nodes, [image_input("input", 64, 48)],
         [out_info("output", ["N", K, 16, 12])], inits)

    # RTMPose: simcc_x [N, K, 96] and simcc_y [N, K, 128] from a 64×48 crop (ratio 2).
    sx = np.zeros((1, K, 96), np.float32)
    sy = np.zeros((1, K, 128), np.float32)
    sx[0, 0, 40], sy[0, 0, 70] = 0.8, 0.6
    sx[0, 1, 10], sy[0, 1, 100] = 0.3, 0.9
    planted(f"{out}/rtmpose_planted.onnx", "input", 64, 48, {"simcc_x": sx, "simcc_y": sy})
    nodes, inits = [], []
    x = trunk(nodes, inits, "input", [4, 2])  # [N, 8, 8, 6]
    inits.append(numpy_helper.from_array(np.array([0, K, -1], np.int64), "flat"))
    nodes.append(helper.make_node("Reshape", [x, "flat"], ["feat"]))  # [N, K, 192]
    for name, bins in (("simcc_x", 96), ("simcc_y", 128)):
        inits.append(const(name + "_w", RNG.standard_normal((192, bins)) * 0.1))
        nodes.append(helper.make_node("MatMul", ["feat", name + "_w"], [name]))
    save(f"{out}/rtmpose_random.onnx", nodes, [image_input("input", 64, 48)],
         [out_info("simcc_x", ["N", K, 96]), out_info("simcc_y", ["N", K, 128])], inits)

    # Ultralytics: output0 [1, 4 + 1 + 3K, anchors] from a 64×64 letterbox, fixed batch 1.
    meta = {"kpt_shape": f"[{K}, 3]", "names": "{0: 'mouse'}", "imgsz": "[64, 64]",
            "task": "pose", "stride": "32"}
    o = np.zeros((1, 4 + 1 + 3 * K, 4), np.float32)
    rows = [  # cx, cy, w, h, score, kp0 (x, y, v), kp1 (x, y, v)
        [30, 30, 20, 16, 0.9, 25, 28, 0.95, 35, 33, 0.4],
        [31, 30, 20, 16, 0.8, 26, 28, 0.9, 36, 33, 0.5],  # overlaps the first: suppressed
        [10, 50, 8, 8, 0.5, 9, 49, 0.9, 11, 51, 0.8],
        [50, 20, 8, 8, 0.1, 50, 20, 0.9, 51, 21, 0.9],  # below conf
    ]
    o[0] = np.array(rows, np.float32).T
    planted(f"{out}/yolo_planted.onnx", "images", 64, 64, {"output0": o}, batch=1, metadata=meta)
    nodes, inits = [], []
    x = trunk(nodes, inits, "images", [2, 2, 2])
    conv(nodes, inits, x, "head", 8, 4 + 1 + 3 * K, 1, 1, relu=False)
    nodes.append(helper.make_node("Sigmoid", ["head"], ["head_s"]))
    scale = np.ones((1, 4 + 1 + 3 * K, 1, 1), np.float32)
    scale[0, [0, 1, 2, 3, 5, 6, 8, 9]] = 64.0
    scale[0, [2, 3]] = 24.0
    inits += [const("scale", scale), numpy_helper.from_array(np.array([1, 4 + 1 + 3 * K, 64], np.int64), "flat")]
    nodes.append(helper.make_node("Mul", ["head_s", "scale"], ["head_m"]))
    nodes.append(helper.make_node("Reshape", ["head_m", "flat"], ["output0"]))
    save(f"{out}/yolo_random.onnx", nodes, [image_input("images", 64, 64, batch=1)],
         [out_info("output0", [1, 4 + 1 + 3 * K, 64])], inits, meta)


def make_detector(out):
    """An Ultralytics detector: boxes only, [1, 4 + 1, anchors] from a 64×64 letterbox."""
    meta = {"task": "detect", "names": "{0: 'mouse'}", "imgsz": "[64, 64]", "stride": "32"}
    rows = [  # cx, cy, w, h, score
        [30, 20, 8, 8, 0.9],
        [10, 40, 6, 6, 0.8],
        [50, 50, 8, 8, 0.1],  # below conf
    ]
    o = np.array(rows, np.float32).T[None]
    planted(f"{out}/yolo_detect_planted.onnx", "images", 64, 64, {"output0": o}, batch=1, metadata=meta)


def make_sleap(out):
    """sleap-nn exports: the frame in as bytes at its own size, peaks out."""
    def meta(model_type, channels):
        return {"sleap_nn_metadata": json.dumps({
            "model_type": model_type, "node_names": ["head", "thorax"], "input_channels": channels,
            "output_stride": 4, "input_scale": 1.0, "max_batch_size": 4, "input_dtype": "uint8"})}

    def u8_input(channels):
        return helper.make_tensor_value_info("image", TensorProto.UINT8, ["N", channels, "H", "W"])

    peaks = np.array([[[100.5, 60.25], [np.nan, np.nan]]], np.float32)
    vals = np.array([[0.8, 0.0]], np.float32)
    planted(f"{out}/sleap_single_planted.onnx", "image", 0, 0, {"peaks": peaks, "peak_vals": vals},
            metadata=meta("single_instance", 1), image_info=u8_input(1))
    peaks = np.array([[[[10.0, 20.0], [30.0, 40.0]], [[50.0, 60.0], [70.0, 80.0]]]], np.float32)
    vals = np.array([[[0.7, 0.6], [0.5, 0.4]]], np.float32)
    planted(f"{out}/sleap_topdown_planted.onnx", "image", 0, 0,
            {"centroids": np.array([[[20.0, 30.0], [60.0, 70.0]]], np.float32),
             "centroid_vals": np.array([[0.9, 0.1]], np.float32),
             "peaks": peaks, "peak_vals": vals,
             "instance_valid": np.array([[1.0, 0.0]], np.float32)},
            metadata=meta("topdown", 3), image_info=u8_input(3), bools=("instance_valid",))
    planted(f"{out}/sleap_bottomup.onnx", "image", 0, 0,
            {"peaks": np.zeros((1, 2, 5, 2), np.float32), "peak_vals": np.zeros((1, 2, 5), np.float32)},
            metadata=meta("bottomup", 3), image_info=u8_input(3))


def lp_model(path, nodes, inits, out_name, dtype, h, w, hh, ww):
    """A Lightning Pose-shaped export: `images` [N, 3, h, w] in, `heatmaps` out, both in
    `dtype` (litpose exports fp16 by default), the graph in f32 between two casts."""
    onnx_type = TensorProto.FLOAT16 if dtype == "f16" else TensorProto.FLOAT
    nodes = [helper.make_node("Cast", ["images"], ["images_f"], to=TensorProto.FLOAT)] + nodes
    nodes.append(helper.make_node("Cast", [out_name], ["heatmaps"], to=onnx_type))
    save(path, nodes, [helper.make_tensor_value_info("images", onnx_type, ["N", 3, h, w])],
         [helper.make_tensor_value_info("heatmaps", onnx_type, ["N", K, hh, ww])], inits)


def make_lightning_pose(out):
    """Lightning Pose exports from a 64×64 input: heatmaps [N, K, 16, 16] (two
    upsamplings), a spatial softmax as its head ends with. The fp16 ones sit in a model
    folder's exports_onnx/ beside the folder's config.yaml, as litpose lays them out."""
    hm = np.zeros((1, K, 16, 16), np.float32)
    hm[0, 0, 5, 9] = 0.9
    hm[0, 0, 12, 2] = 0.5  # a lower bump: the temperature leaves it no weight
    hm[0, 1, 11, 3] = 0.6
    folder = f"{out}/lp_model"
    os.makedirs(f"{folder}/exports_onnx", exist_ok=True)
    with open(f"{folder}/config.yaml", "w") as f:
        f.write("data:\n  image_resize_dims:\n    height: 64\n    width: 64\n"
                "  keypoint_names:\n  - nose\n  - tail_base\n")
    for dtype, path in (("f32", f"{out}/lp_planted.onnx"),
                        ("f16", f"{folder}/exports_onnx/lp_fp16_planted.onnx")):
        nodes, inits = zero_of("images_f", "z4", 4)
        inits.append(const("hm_c", hm))
        nodes.append(helper.make_node("Add", ["z4", "hm_c"], ["hm"]))
        lp_model(path, nodes, inits, "hm", dtype, 64, 64, 16, 16)
    nodes, inits = [], []
    x = trunk(nodes, inits, "images_f", [2, 2])
    conv(nodes, inits, x, "logits", 8, K, 1, 1, relu=False)
    inits += [numpy_helper.from_array(np.array([0, K, -1], np.int64), "flat"),
              numpy_helper.from_array(np.array([0, K, 16, 16], np.int64), "square"),
              const("sharpen", [4.0])]
    nodes += [helper.make_node("Mul", ["logits", "sharpen"], ["logits_s"]),
              helper.make_node("Reshape", ["logits_s", "flat"], ["logits_flat"]),
              helper.make_node("Softmax", ["logits_flat"], ["soft"], axis=-1),
              helper.make_node("Reshape", ["soft", "square"], ["hm"])]
    lp_model(f"{folder}/exports_onnx/lp_fp16_random.onnx", nodes, inits, "hm", "f16", 64, 64, 16, 16)


def lp_upsample(hm):
    """Lightning Pose's `upsample` through onnxruntime: Resize as PyTorch exports
    `interpolate(bicubic, align_corners=False)`, then kornia's 5×5 pyramid Gaussian
    with zeros outside, as a depthwise Conv."""
    k = hm.shape[1]
    g = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]).astype(np.float32) / 256.0
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["up"], mode="cubic",
                              cubic_coeff_a=-0.75, coordinate_transformation_mode="half_pixel"),
             helper.make_node("Conv", ["up", "g"], ["y"], group=k, pads=[2, 2, 2, 2])]
    inits = [const("scales", [1, 1, 2, 2]), const("g", np.tile(g, (k, 1, 1, 1)))]
    graph = helper.make_graph(nodes, "up", [out_info("x", list(hm.shape))],
                              [out_info("y", [hm.shape[0], k, 2 * hm.shape[2], 2 * hm.shape[3]])],
                              initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": hm})[0]


def lp_decode(hm, upsamplings, temperature=1000.0):
    """`run_subpixelmaxima`: upsample, spatial softmax, expectation, window score, offset."""
    for _ in range(upsamplings):
        hm = lp_upsample(hm)
    pts = []
    for k in range(hm.shape[1]):
        v = hm[0, k].astype(np.float64) * temperature
        p = np.exp(v - v.max())
        p /= p.sum()
        rows, cols = np.mgrid[0:p.shape[0], 0:p.shape[1]]
        x, y = float((p * cols).sum()), float((p * rows).sum())
        padded = np.pad(p, 2)
        r, c = int(y) + 2, int(x) + 2
        score = float(padded[r - 2:r + 3, c - 2:c + 3].sum())
        offset = {1: 0.5, 2: 1.5, 3: 2.5}.get(upsamplings, 0.0)
        pts.append([x - offset, y - offset, score])
    return pts


def make_bad(out):
    """Models that must be refused with a clear message."""
    # An image input of rank 3.
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 64])
    y = helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, ["N", 3, 64])
    save(f"{out}/bad_rank.onnx", [helper.make_node("Identity", ["image"], ["heatmap"])], [x], [y], [])
    # Weights in an external file outside the model's folder.
    w = numpy_helper.from_array(np.ones((1, 3, 1, 1), np.float32), "w")
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "../outside.bin"), ("offset", "0"), ("length", "12")):
        entry = w.external_data.add()
        entry.key, entry.value = key, value
    graph = helper.make_graph(
        [helper.make_node("Conv", ["image", "w"], ["heatmap"])], "pose",
        [image_input("image", 8, 8)], [out_info("heatmap", ["N", 1, 8, 8])], initializer=[w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with open(f"{out}/external.onnx", "wb") as f:
        f.write(model.SerializeToString())


def run(path, x):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: x})


def top_down_crop(img, in_w, in_h):
    """rtmlib's bbox_xyxy2cs (padding 1.25), _fix_aspect_ratio, get_warp_matrix and
    cv2.warpAffine, on the whole frame as the box."""
    h, w = img.shape[:2]
    x1, y1, x2, y2 = 0.0, 0.0, float(w), float(h)
    center = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
    scale = np.array([(x2 - x1) * 1.25, (y2 - y1) * 1.25])
    aspect = in_w / in_h
    bw, bh = scale
    if bw > bh * aspect:
        bh = bw / aspect
    else:
        bw = bh * aspect
    scale = np.array([bw, bh])
    src_w = scale[0]
    src = np.zeros((3, 2), np.float32)
    dst = np.zeros((3, 2), np.float32)
    src[0] = center
    src[1] = center + np.array([0.0, src_w * -0.5])
    dst[0] = [in_w * 0.5, in_h * 0.5]
    dst[1] = dst[0] + np.array([0.0, in_w * -0.5])

    def third(a, b):
        d = a - b
        return b + np.r_[-d[1], d[0]]

    src[2] = third(src[0], src[1])
    dst[2] = third(dst[0], dst[1])
    m = cv2.getAffineTransform(np.float32(src), np.float32(dst))
    crop = cv2.warpAffine(img, m, (in_w, in_h), flags=cv2.INTER_LINEAR)
    return crop, center, scale


def nchw(img, mean, std):
    return ((img - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)


def reference(out, frame_png):
    img = cv2.cvtColor(cv2.imread(frame_png), cv2.COLOR_BGR2RGB).astype(np.float32)
    h, w = img.shape[:2]
    result = {}

    # DeepLabCut: stretch, ImageNet, argmax + stride/2 + locref·7.2801, sigmoid score.
    x = nchw(cv2.resize(img, (64, 64), interpolation=cv2.INTER_LINEAR), IMAGENET_MEAN, IMAGENET_STD)
    hm, lr = run(f"{out}/dlc_random.onnx", x)
    pts = []
    for k in range(K):
        idx = int(np.argmax(hm[0, k]))
        r, c = divmod(idx, hm.shape[3])
        stride = 64 / hm.shape[3]
        px = c * stride + 0.5 * stride + lr[0, 2 * k, r, c] * 7.2801
        py = r * stride + 0.5 * stride + lr[0, 2 * k + 1, r, c] * 7.2801
        pts.append([float(px * w / 64), float(py * h / 64), float(1 / (1 + np.exp(-hm[0, k, r, c])))])
    result["dlc"] = pts

    # MMPose MSRA (top-down): argmax, quarter-pixel refinement, ×4, back through the box.
    crop, center, scale = top_down_crop(img, 48, 64)
    (hm,) = run(f"{out}/mmpose_random.onnx", nchw(crop, IMAGENET_MEAN, IMAGENET_STD))
    pts = []
    H, W = hm.shape[2:]
    for k in range(K):
        idx = int(np.argmax(hm[0, k]))
        y, x_ = divmod(idx, W)
        v = float(hm[0, k].max())
        kp = np.array([x_, y], np.float32)
        dx = hm[0, k, y, x_ + 1] - hm[0, k, y, x_ - 1] if 1 < x_ < W - 1 and 0 < y < H else 0.0
        dy = hm[0, k, y + 1, x_] - hm[0, k, y - 1, x_] if 1 < y < H - 1 and 0 < x_ < W else 0.0
        kp += np.sign([dx, dy], dtype=np.float32) * 0.25
        kp = kp * np.array([48 / W, 64 / H])
        kp = kp / np.array([48, 64]) * scale + center - scale / 2
        pts.append([float(kp[0]), float(kp[1]), v])
    result["mmpose"] = pts

    # RTMPose: argmax / 2, min of the maxima, back through the box.
    sx, sy = run(f"{out}/rtmpose_random.onnx", nchw(crop, IMAGENET_MEAN, IMAGENET_STD))
    pts = []
    for k in range(K):
        ix, iy = int(np.argmax(sx[0, k])), int(np.argmax(sy[0, k]))
        v = float(min(sx[0, k].max(), sy[0, k].max()))
        kp = np.array([ix, iy], np.float32) / 2.0
        kp = kp / np.array([48, 64]) * scale + center - scale / 2
        pts.append([float(kp[0]), float(kp[1]), v] if v > 0 else [None, None, v])
    result["rtmpose"] = pts

    # Ultralytics: LetterBox (114), /255, NMS (0.25, 0.7), scale_coords, clip.
    r = min(64 / h, 64 / w)
    nw, nh = int(round(w * r)), int(round(h * r))
    dw, dh = (64 - nw) / 2, (64 - nh) / 2
    resized = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    boxed = cv2.copyMakeBorder(resized, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))
    (o,) = run(f"{out}/yolo_random.onnx", (boxed / 255.0).transpose(2, 0, 1)[None].astype(np.float32))
    p = o[0].T  # anchors × channels
    keep = p[:, 4] > 0.25
    p = p[keep]
    order = np.argsort(-p[:, 4], kind="stable")
    p = p[order]
    boxes = np.stack([p[:, 0] - p[:, 2] / 2, p[:, 1] - p[:, 3] / 2, p[:, 0] + p[:, 2] / 2, p[:, 1] + p[:, 3] / 2], 1)
    kept, removed = [], np.zeros(len(p), bool)
    for i in range(len(p)):
        if removed[i]:
            continue
        kept.append(i)
        for j in range(i + 1, len(p)):
            a, b = boxes[i], boxes[j]
            iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
            ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
            inter = iw * ih
            union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
            if inter / union > 0.7:
                removed[j] = True
    gain = min(64 / h, 64 / w)
    pad = ((64 - w * gain) / 2, (64 - h * gain) / 2)
    best = p[kept[0]]
    pts = []
    for k in range(K):
        kx, ky, kv = best[5 + 3 * k: 8 + 3 * k]
        pts.append([float(np.clip((kx - pad[0]) / gain, 0, w)), float(np.clip((ky - pad[1]) / gain, 0, h)), float(kv)])
    result["yolo"] = pts

    # Lightning Pose (fp16 export): stretch, ImageNet on 0–1 (the same values), f16 in,
    # heatmaps out, subpixel soft-argmax, input pixels × frame / input.
    x = nchw(cv2.resize(img, (64, 64), interpolation=cv2.INTER_LINEAR), IMAGENET_MEAN, IMAGENET_STD)
    (hm,) = run(f"{out}/lp_model/exports_onnx/lp_fp16_random.onnx", x.astype(np.float16))
    pts = lp_decode(hm.astype(np.float32), 2)
    result["lp"] = [[px * w / 64, py * h / 64, score] for px, py, score in pts]
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
        make_sleap(sys.argv[2])
        make_detector(sys.argv[2])
        make_lightning_pose(sys.argv[2])
        make_bad(sys.argv[2])
    elif sys.argv[1] == "reference":
        reference(sys.argv[2], sys.argv[3])
