#!/usr/bin/env python3
"""Trains the demo's pose model and exports it as ONNX with its Kinelab spec.

A small heatmap network, DeepLabCut-style (heatmaps and location refinement at stride
4), trained on the CPU with JAX on frames rendered by scripts/make-demo's own renderer:
random positions, headings, head sways and tail swings of the demo mouse, each frame
passed through JPEG at a random quality so it has seen codec artefacts. The demo clip's
300 frames are never trained on; they are the test (the mouse there follows one path).

Writes, into assets/demo/ (or the folder given):
  model.onnx   input "image" [N, 3, 192, 256] (the frame stretched, RGB, ImageNet
               normalisation), outputs "heatmap" [N, 6, 48, 64] (logits) and
               "locref" [N, 12, 48, 64] (offsets ÷ 7.2801)
  model.json   its Kinelab spec (family dlc-heatmap, the demo's keypoint names)

Deterministic for a given JAX version: the seeds are fixed.

    python train_demo_model.py [OUT_DIR] [--steps 1500]
"""

import argparse
import importlib.machinery
import importlib.util
import json
import math
import sys
import time
from pathlib import Path

import cv2
import jax
import jax.numpy as jnp
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
IN_W, IN_H, STRIDE = 256, 192, 4
HM_W, HM_H = IN_W // STRIDE, IN_H // STRIDE
LOCREF_STDEV = 7.2801
RADIUS = 5.0  # input pixels: cells this close to a keypoint are positives
MEAN = np.array([123.675, 116.28, 103.53], np.float32)
STD = np.array([58.395, 57.12, 57.375], np.float32)
# (name, in, out, kernel, stride, dilation)
LAYERS = [
    ("c1", 3, 16, 3, 2, 1),
    ("c2", 16, 24, 3, 1, 1),
    ("c3", 24, 32, 3, 2, 1),
    ("c4", 32, 48, 3, 1, 1),
    ("c5", 48, 48, 3, 1, 2),
    ("c6", 48, 48, 3, 1, 4),
]


def load_demo():
    loader = importlib.machinery.SourceFileLoader("make_demo", str(HERE / "make-demo"))
    spec = importlib.util.spec_from_loader("make_demo", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def random_pose(demo, rng):
    """The demo mouse anywhere in the arena, facing anywhere, head and tail moving."""
    w, h = demo.W, demo.H
    while True:
        cx, cy = rng.uniform(100, w - 100), rng.uniform(90, h - 90)
        if math.hypot(cx - w / 2, cy - h / 2) < 200:
            break
    heading = rng.uniform(-math.pi, math.pi)
    fx, fy = math.cos(heading), math.sin(heading)
    sx, sy = -fy, fx
    sway = rng.uniform(-6, 6)
    swing = rng.uniform(-0.6, 0.6)

    def at(forward, left):
        return (cx + forward * fx + left * sx, cy + forward * fy + left * sy)

    tail_base = at(-34, 0)
    tail_angle = heading + math.pi + swing
    points = {
        "snout": at(46, sway),
        "left_ear": at(26, 12 + sway * 0.6),
        "right_ear": at(26, -12 + sway * 0.6),
        "body_center": at(0, 0),
        "tail_base": tail_base,
        "tail_tip": (tail_base[0] + 60 * math.cos(tail_angle), tail_base[1] + 60 * math.sin(tail_angle)),
    }
    return points, heading


def model_input(rgb):
    """The frame as Kinelab feeds the model: stretched (cv2.resize, INTER_LINEAR, in
    floats), ImageNet-normalised, NCHW."""
    small = cv2.resize(rgb.astype(np.float32), (IN_W, IN_H), interpolation=cv2.INTER_LINEAR)
    return ((small - MEAN) / STD).transpose(2, 0, 1)


def targets(points, keypoints):
    """Positive cells near each keypoint, and their location refinement offsets."""
    gx = (np.arange(HM_W) * STRIDE + STRIDE / 2)[None, :]
    gy = (np.arange(HM_H) * STRIDE + STRIDE / 2)[:, None]
    hm = np.zeros((len(keypoints), HM_H, HM_W), np.float32)
    lr = np.zeros((2 * len(keypoints), HM_H, HM_W), np.float32)
    for k, name in enumerate(keypoints):
        x, y = points[name]
        x, y = x * IN_W / 640.0, y * IN_H / 480.0
        dx, dy = x - gx, y - gy
        near = (dx * dx + dy * dy) <= RADIUS * RADIUS
        hm[k] = near
        lr[2 * k] = np.where(near, dx / LOCREF_STDEV, 0)
        lr[2 * k + 1] = np.where(near, dy / LOCREF_STDEV, 0)
    return hm, lr


def make_data(demo, n, seed):
    rng = np.random.default_rng(seed)
    keypoints = demo.KEYPOINTS
    xs, hms, lrs = [], [], []
    for _ in range(n):
        points, heading = random_pose(demo, rng)
        rgb = demo.render(points, heading)
        ok, jpg = cv2.imencode(".jpg", rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 90))])
        rgb = cv2.imdecode(jpg, cv2.IMREAD_COLOR)[..., ::-1]
        xs.append(model_input(rgb))
        hm, lr = targets(points, keypoints)
        hms.append(hm)
        lrs.append(lr)
    return np.stack(xs), np.stack(hms), np.stack(lrs)


def init_params(key):
    params = {}
    for name, cin, cout, k, _, _ in LAYERS:
        key, sub = jax.random.split(key)
        params[name] = (jax.random.normal(sub, (cout, cin, k, k)) * math.sqrt(2.0 / (cin * k * k)),
                        jnp.zeros(cout))
    for name, cout in (("heatmap", 6), ("locref", 12)):
        key, sub = jax.random.split(key)
        params[name] = (jax.random.normal(sub, (cout, 48, 1, 1)) * 0.01,
                        jnp.full(cout, -4.0 if name == "heatmap" else 0.0))
    return params


def conv(x, w, b, stride=1, dilation=1):
    k = w.shape[-1]
    pad = (k // 2) * dilation
    y = jax.lax.conv_general_dilated(x, w, (stride, stride), [(pad, pad), (pad, pad)],
                                     rhs_dilation=(dilation, dilation),
                                     dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return y + b[None, :, None, None]


def forward(params, x):
    for name, _, _, _, stride, dilation in LAYERS:
        x = jax.nn.relu(conv(x, *params[name], stride, dilation))
    return conv(x, *params["heatmap"]), conv(x, *params["locref"])


def loss_fn(params, x, hm, lr):
    logits, offsets = forward(params, x)
    # Sigmoid cross-entropy, positives weighted up (they are few), as DeepLabCut does
    # with a weighted loss; Huber on the offsets of positive cells.
    pos_weight = 20.0
    ce = pos_weight * hm * jax.nn.softplus(-logits) + (1 - hm) * jax.nn.softplus(logits)
    mask = jnp.repeat(hm, 2, axis=1)
    err = offsets - lr
    huber = jnp.where(jnp.abs(err) < 1.0, 0.5 * err * err, jnp.abs(err) - 0.5)
    return ce.mean() + 0.5 * (huber * mask).sum() / jnp.maximum(mask.sum(), 1.0)


def adam(params, grads, state, step, lr=2e-3, b1=0.9, b2=0.999, eps=1e-8):
    m, v = state
    m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
    v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
    mhat = jax.tree_util.tree_map(lambda m: m / (1 - b1 ** step), m)
    vhat = jax.tree_util.tree_map(lambda v: v / (1 - b2 ** step), v)
    params = jax.tree_util.tree_map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + eps), params, mhat, vhat)
    return params, (m, v)


def export(params, path, keypoints):
    nodes, inits = [], []
    x = "image"
    for name, cin, cout, k, stride, dilation in LAYERS:
        w, b = params[name]
        inits += [numpy_helper.from_array(np.asarray(w, np.float32), f"{name}.w"),
                  numpy_helper.from_array(np.asarray(b, np.float32), f"{name}.b")]
        pad = (k // 2) * dilation
        nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [f"{name}.conv"],
                                      kernel_shape=[k, k], strides=[stride, stride],
                                      dilations=[dilation, dilation], pads=[pad] * 4))
        nodes.append(helper.make_node("Relu", [f"{name}.conv"], [f"{name}.relu"]))
        x = f"{name}.relu"
    for name in ("heatmap", "locref"):
        w, b = params[name]
        inits += [numpy_helper.from_array(np.asarray(w, np.float32), f"{name}.w"),
                  numpy_helper.from_array(np.asarray(b, np.float32), f"{name}.b")]
        nodes.append(helper.make_node("Conv", [x, f"{name}.w", f"{name}.b"], [name], kernel_shape=[1, 1]))
    k = len(keypoints)
    graph = helper.make_graph(
        nodes, "kinelab_demo_pose",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, IN_H, IN_W])],
        [helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, ["N", k, HM_H, HM_W]),
         helper.make_tensor_value_info("locref", TensorProto.FLOAT, ["N", 2 * k, HM_H, HM_W])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="kinelab scripts/train_demo_model.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def spec(keypoints):
    return {
        "family": "dlc-heatmap",
        "input": {"name": "image", "layout": "nchw", "width": IN_W, "height": IN_H, "element": "f32",
                  "colour": "rgb", "resize": {"kind": "stretch"},
                  "mean": MEAN.tolist(), "std": STD.tolist()},
        "output": {"kind": "heatmap", "heatmap": "heatmap", "locref": "locref",
                   "decode": {"kind": "dlc", "locref_stdev": LOCREF_STDEV, "sigmoid": True}},
        "keypoints": keypoints,
        "max_batch": 16,
    }


def decode(hm, lr):
    """DeepLabCut's decoding, back to frame pixels."""
    k, h, w = hm.shape
    out = []
    for j in range(k):
        idx = int(np.argmax(hm[j]))
        r, c = divmod(idx, w)
        x = c * STRIDE + STRIDE / 2 + lr[2 * j, r, c] * LOCREF_STDEV
        y = r * STRIDE + STRIDE / 2 + lr[2 * j + 1, r, c] * LOCREF_STDEV
        out.append((x * 640.0 / IN_W, y * 480.0 / IN_H))
    return out


def evaluate(demo, model_path, clip, truth):
    """Share of keypoints within 3 px on the demo clip's frames (read by OpenCV)."""
    rows = {}
    with open(truth) as f:
        next(f)
        for line in f:
            i, name, x, y = line.strip().split(",")
            rows[(int(i), name)] = (float(x), float(y))
    sess = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    cap = cv2.VideoCapture(str(clip))
    errors, i = [], 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        hm, lr = sess.run(None, {"image": model_input(bgr[..., ::-1])[None]})
        for name, (x, y) in zip(demo.KEYPOINTS, decode(hm[0], lr[0])):
            tx, ty = rows[(i, name)]
            errors.append(math.hypot(x - tx, y - ty))
        i += 1
    errors = np.array(errors)
    return float((errors <= 3.0).mean()), float(np.median(errors)), float(errors.max())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(HERE.parent / "assets" / "demo"))
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--samples", type=int, default=2400)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    out = Path(args.out)
    demo = load_demo()
    t0 = time.time()
    x, hm, lr = make_data(demo, args.samples, seed=1)
    print(f"rendered {len(x)} training frames in {time.time() - t0:.0f} s", flush=True)
    params = init_params(jax.random.PRNGKey(0))
    state = (jax.tree_util.tree_map(jnp.zeros_like, params), jax.tree_util.tree_map(jnp.zeros_like, params))

    @jax.jit
    def train_step(params, state, step, xb, hb, lb):
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, hb, lb)
        lr_now = 2e-3 * jnp.where(step > 0.7 * args.steps, 0.1, 1.0)
        params, state = adam(params, grads, state, step, lr=lr_now)
        return params, state, loss

    rng = np.random.default_rng(2)
    t0 = time.time()
    for step in range(1, args.steps + 1):
        pick = rng.integers(0, len(x), args.batch)
        params, state, loss = train_step(params, state, step, x[pick], hm[pick], lr[pick])
        if step % 100 == 0:
            print(f"step {step}/{args.steps}: loss {float(loss):.4f} ({time.time() - t0:.0f} s)", flush=True)
    model_path = out / "model.onnx"
    export(params, model_path, demo.KEYPOINTS)
    (out / "model.json").write_text(json.dumps(spec(demo.KEYPOINTS), indent=2) + "\n")
    within, median, worst = evaluate(demo, model_path, out / "demo.mp4", out / "truth.csv")
    print(f"wrote {model_path} ({model_path.stat().st_size // 1024} KiB) and model.json; on the demo clip "
          f"(never trained on): {within:.1%} of keypoints within 3 px, median error {median:.2f} px, "
          f"worst {worst:.1f} px")


if __name__ == "__main__":
    main()
