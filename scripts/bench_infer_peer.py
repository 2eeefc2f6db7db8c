#!/usr/bin/env python3
"""The same job as `kinelab infer` on a heatmap model, done the way a Python user
would: OpenCV reads the video, resizes each frame to the model's input (stretch),
normalises it (ImageNet), onnxruntime runs batches, numpy decodes each heatmap's peak
(argmax, stride/2, sigmoid score) and the poses are written to a CSV.

    python bench_infer_peer.py MODEL VIDEO OUT.csv [--batch 8]

Prints one JSON line: frames, seconds, frames per second.
"""

import argparse
import json
import time

import cv2
import numpy as np
import onnxruntime as ort

MEAN = np.array([123.675, 116.28, 103.53], np.float32)
STD = np.array([58.395, 57.12, 57.375], np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("video")
    ap.add_argument("out")
    ap.add_argument("--batch", type=int, default=8)
    args = ap.parse_args()
    started = time.perf_counter()
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    _, _, h_in, w_in = inp.shape
    cap = cv2.VideoCapture(args.video)
    rows, batch, n = [], [], 0

    def flush():
        x = np.stack(batch)
        (hm,) = sess.run(None, {inp.name: x})[:1]
        b, k, h, w = hm.shape
        flat = hm.reshape(b, k, -1)
        idx = flat.argmax(-1)
        peak = np.take_along_axis(flat, idx[..., None], -1)[..., 0]
        ys, xs = np.divmod(idx, w)
        sx, sy = w_in / w, h_in / h
        px = (xs * sx + 0.5 * sx) * frame_w / w_in
        py = (ys * sy + 0.5 * sy) * frame_h / h_in
        score = 1 / (1 + np.exp(-peak))
        for i in range(b):
            rows.append(np.stack([px[i], py[i], score[i]], -1).ravel())
        batch.clear()

    frame_w = frame_h = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frame_h, frame_w = frame.shape[:2]
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        resized = cv2.resize(rgb, (w_in, h_in), interpolation=cv2.INTER_LINEAR)
        batch.append(((resized.astype(np.float32) - MEAN) / STD).transpose(2, 0, 1))
        n += 1
        if len(batch) == args.batch:
            flush()
    if batch:
        flush()
    np.savetxt(args.out, np.array(rows), delimiter=",", fmt="%.3f")
    secs = time.perf_counter() - started
    print(json.dumps({"frames": n, "seconds": round(secs, 3), "fps": round(n / secs, 1)}))


if __name__ == "__main__":
    main()
