#!/usr/bin/env python3
"""Kinelab's video figures beside the peers' from bench_video.py, on the same clip.

    bench_side_by_side.py KINELAB CLIP PEERS.jsonl   -> one JSON line for the clip
    bench_side_by_side.py --table RESULT.json ...    -> a table of the key ratios

Seek indices are the ones bench_video.py used (random.Random(0).sample). Exactness is
checked against the ffmpeg CLI's sequential decode: a frame is correct when it is the
closest of its +-3 neighbours to Kinelab's output. Sequential decode is timed
interleaved with `ffmpeg -pix_fmt rgb24 -f rawvideo` at the same thread count.
"""
import json, os, random, re, statistics, subprocess, sys, tempfile, time

import numpy as np


def run_json(cmd):
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def ffmpeg_rgb_fps(clip, threads, n):
    p = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-benchmark",
                        "-threads", str(threads), "-i", clip, "-map", "0:v:0", "-fps_mode", "passthrough",
                        "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    m = re.search(r"rtime=([\d.]+)s", p.stderr)
    return n / float(m.group(1))


def reference_frames(clip, w, h, wanted, step):
    """Subsampled RGB signatures of frames around each wanted index, from the ffmpeg CLI."""
    keep = set()
    for i in wanted:
        keep.update(range(max(0, i - 3), i + 4))
    p = subprocess.Popen(["ffmpeg", "-nostdin", "-loglevel", "error", "-threads", "0", "-i", clip, "-map", "0:v:0",
                          "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], stdout=subprocess.PIPE)
    size, refs, i = w * h * 3, {}, 0
    while True:
        buf = p.stdout.read(size)
        if len(buf) < size:
            break
        if i in keep:
            refs[i] = np.frombuffer(buf, np.uint8).reshape(h, w, 3)[::step, ::step].astype(np.int16)
        i += 1
    p.wait()
    return refs


def exactness(kinelab, clip, idxs, w, h):
    step = max(1, min(w, h) // 120)
    refs = reference_frames(clip, w, h, idxs, step)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([kinelab, "frames", clip, "--indices", ",".join(map(str, idxs)), "--out", d],
                       check=True, capture_output=True)
        import cv2
        correct, wrong = 0, []
        for i in idxs:
            img = cv2.imread(os.path.join(d, f"{i:06d}.png"))[:, :, ::-1][::step, ::step].astype(np.int16)
            mads = {j: float(np.mean(np.abs(img - r))) for j, r in refs.items() if abs(j - i) <= 3}
            best = min(mads, key=mads.get)
            if best == i:
                correct += 1
            else:
                wrong.append({"idx": i, "got": best})
    return correct, wrong


def measure(kinelab, clip, peers_path):
    peers = [json.loads(l) for l in open(peers_path)]
    info = next(p for p in peers if p["method"] == "_clip")
    by = {p["method"]: p for p in peers}
    n = info["frames"]
    idxs = random.Random(info["seed"]).sample(range(n), min(info["n_seek"], n))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(map(str, idxs)))
        idx_file = f.name
    auto = run_json([kinelab, "bench", "seek", clip, "--indices-file", idx_file, "--json"])
    cold = run_json([kinelab, "bench", "seek", clip, "--indices-file", idx_file, "--always-seek", "--json"])
    os.unlink(idx_file)
    first = run_json([kinelab, "bench", "first", clip, "--rounds", "5", "--json"])
    step = run_json([kinelab, "bench", "step", clip, "--start", str(min(n - 61, n // 2)), "--steps", "60", "--json"])
    decode = {}
    for threads in (1, os.cpu_count()):
        ours, theirs = [], []
        for rnd in range(3):
            pair = [lambda: ours.append(run_json([kinelab, "bench", "decode", clip, "--threads", str(threads), "--json"])["fps"]),
                    lambda: theirs.append(ffmpeg_rgb_fps(clip, threads, n))]
            for run in (pair if rnd % 2 == 0 else pair[::-1]):
                run()
        decode[threads] = {"kinelab_fps": round(statistics.median(ours), 1), "ffmpeg_rgb_fps": round(statistics.median(theirs), 1)}
    correct, wrong = exactness(kinelab, clip, idxs, info["width"], info["height"])
    peer_seek = {m: {"median_ms": p.get("seek_ms_median"), "correct": p.get("seek_correct"), "first_ms": p.get("first_frame_ms")}
                 for m, p in by.items() if "seek_ms_median" in p}
    return {
        "clip": info["clip"], "frames": n, "keyframes": info["keyframes"],
        "bound_ms_median": info["ideal_seek_ms_median"],
        "kinelab_seek_ms_median": round(auto["median_ms"], 1), "kinelab_seek_ms_p95": round(auto["p95_ms"], 1),
        "kinelab_cold_seek_ms_median": round(cold["median_ms"], 1),
        "kinelab_correct": correct, "kinelab_wrong": wrong, "n_seek": len(idxs),
        "kinelab_first_ms": round(first["median_ms"], 1),
        "kinelab_step_forward_ms": round(step["forward_median_ms"], 2),
        "kinelab_step_back_ms": round(step["backward_median_ms"], 2),
        "kinelab_revisit_ms": round(step["revisit_median_ms"], 2),
        "decode": decode, "peers": peer_seek,
    }


def table(paths):
    rows = [json.load(open(p)) for p in paths]
    print(f"{'clip':28} {'seek med':>9} {'bound':>7} {'/bound':>7} {'decord':>7} {'/decord':>8} {'opencv':>7} {'exact':>6} "
          f"{'step fwd':>8} {'step back':>9} {'first':>6} {'cv first':>8} {'dec t1':>7} {'ff t1':>7} {'dec tN':>7} {'ff tN':>7}")
    for r in rows:
        d, cv = r["peers"].get("decord", {}), r["peers"].get("opencv", {})
        ratio = lambda a, b: f"{a / b:.2f}" if a and b else "-"
        t1, tn = r["decode"]["1"] if "1" in r["decode"] else r["decode"][1], list(r["decode"].values())[-1]
        print(f"{r['clip']:28} {r['kinelab_seek_ms_median']:9.1f} {r['bound_ms_median']:7.1f} "
              f"{ratio(r['kinelab_seek_ms_median'], r['bound_ms_median']):>7} {d.get('median_ms') or 0:7.1f} "
              f"{ratio(r['kinelab_seek_ms_median'], d.get('median_ms')):>8} {cv.get('median_ms') or 0:7.1f} "
              f"{r['kinelab_correct']:>3}/{r['n_seek']:<2} {r['kinelab_step_forward_ms']:8.2f} {r['kinelab_step_back_ms']:9.2f} "
              f"{r['kinelab_first_ms']:6.1f} {cv.get('first_ms') or 0:8.1f} {t1['kinelab_fps']:7.1f} {t1['ffmpeg_rgb_fps']:7.1f} "
              f"{tn['kinelab_fps']:7.1f} {tn['ffmpeg_rgb_fps']:7.1f}")


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table(sys.argv[2:])
    else:
        print(json.dumps(measure(*sys.argv[1:4])))
