"""movement's kinematics and filters on a SLEAP file, as the reference for Kinelab's
`kinelab kinematics` table and its distance and angle functions.

    python kinematics_reference.py SLP KINELAB_CSV OUT_CSV OUT_JSON [options as JSON]

The positions are loaded by movement itself and cast to float64 (movement keeps the
file's float32; the comparison is of the arithmetic, at 1e-6). The time coordinate is
the frame index, or for "px/s" the `time_secs` column of Kinelab's table (the video's
timestamps; reading them is Kinelab's job, the arithmetic on them movement's).
OUT_CSV is the same long table Kinelab writes; OUT_JSON holds distances and angles.
"""

import json
import sys

import numpy as np
import pandas as pd
import xarray as xr
from movement.filtering import filter_by_confidence, interpolate_over_time, rolling_filter, savgol_filter
from movement.io import load_poses
from movement.kinematics import compute_acceleration, compute_pairwise_distances, compute_speed, compute_velocity
from movement.utils.vector import compute_signed_angle_2d

slp, kinelab_csv, out_csv, out_json = sys.argv[1:5]
options = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}

ds = load_poses.from_sleap_file(slp)
position = ds.position.astype("float64")
confidence = ds.confidence.astype("float64")
start, stop = options.get("start", 0), options.get("stop", position.sizes["time"])
position = position.isel(time=slice(start, stop))
confidence = confidence.isel(time=slice(start, stop))
if options.get("units") == "px/s":
    table = pd.read_csv(kinelab_csv)
    times = table.groupby("frame_idx")["time_secs"].first().to_numpy()
    position = position.assign_coords(time=times)
    confidence = confidence.assign_coords(time=position.time)

if options.get("min_likelihood") is not None:
    position = filter_by_confidence(position, confidence, threshold=options["min_likelihood"])
if options.get("max_gap"):
    position = interpolate_over_time(position, max_gap=options["max_gap"])
smooth = options.get("smooth")
if smooth:
    parts = smooth.split(":")
    if parts[0] == "median":
        position = rolling_filter(position, int(parts[1]), statistic="median")
    else:
        position = savgol_filter(position, int(parts[1]), polyorder=int(parts[2]))

velocity = compute_velocity(position)
acceleration = compute_acceleration(position)
speed = compute_speed(position)

def long(da, space=None):
    """Values in the table's row order: frame, individual, keypoint."""
    if space is not None:
        da = da.sel(space=space)
    return da.transpose("time", "individuals", "keypoints").values.ravel()


n_t, n_i, n_k = position.sizes["time"], position.sizes["individuals"], position.sizes["keypoints"]
pd.DataFrame({
    "frame_idx": np.repeat(np.arange(start, start + n_t), n_i * n_k),
    "individual": np.tile(np.repeat(position.individuals.values.astype(str), n_k), n_t),
    "keypoint": np.tile(position.keypoints.values.astype(str), n_t * n_i),
    "x": long(position, "x"), "y": long(position, "y"),
    "vx": long(velocity, "x"), "vy": long(velocity, "y"),
    "speed": long(speed),
    "ax": long(acceleration, "x"), "ay": long(acceleration, "y"),
}).to_csv(out_csv, index=False)

# Distances: head to thorax per individual; the two heads. Angles: the heading of
# thorax → head, and the signed angle at the female's thorax from her head to the
# male's thorax.
raw = ds.position.astype("float64")
within = {ind: compute_pairwise_distances(raw.sel(individuals=ind), dim="keypoints", pairs={"head": "thorax"})
          for ind in ("female", "male")}
between = compute_pairwise_distances(raw.sel(keypoints="head"), dim="individuals", pairs={"female": "male"})
body = raw.sel(keypoints="head") - raw.sel(keypoints="thorax")
heading = compute_signed_angle_2d(body, np.array([1.0, 0.0]), v_as_left_operand=True)
f_thorax = raw.sel(keypoints="thorax", individuals="female")
joint = compute_signed_angle_2d(raw.sel(keypoints="head", individuals="female") - f_thorax,
                                raw.sel(keypoints="thorax", individuals="male") - f_thorax)


def values(da):
    return [None if np.isnan(v) else float(v) for v in np.asarray(da).ravel()]


json.dump({
    "head_thorax_female": values(within["female"]),
    "head_thorax_male": values(within["male"]),
    "heads": values(between),
    "heading_female": values(heading.sel(individuals="female")),
    "heading_male": values(heading.sel(individuals="male")),
    "joint_female_thorax": values(joint),
}, open(out_json, "w"))
