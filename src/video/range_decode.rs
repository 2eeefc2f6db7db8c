//! Every frame of a range, in order, on a thread of its own: what a render or a
//! whole-video inference run reads. Each frame in the range is sent once, decoded or
//! with the reason it is missing (frames the decoder skipped, a stream that ended
//! early, damage), so the reader can keep count.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{VideoError, VideoFrame, VideoReader};

/// A frame in order: decoded, or its index and why not.
pub type Decoded = Result<VideoFrame, (usize, VideoError)>;

/// Decodes `frames` of `reader` in order into `tx`, one message per frame.
pub fn decode_frames(
    mut reader: VideoReader,
    frames: Range<usize>,
    tx: &crossbeam_channel::Sender<Decoded>,
    cancel: &AtomicBool,
) {
    let mut idx = frames.start;
    let mut seek = true;
    while idx < frames.end && !cancel.load(Ordering::Relaxed) {
        let got = if seek {
            reader.frame(idx).map(Some)
        } else {
            reader.next_frame()
        };
        seek = false;
        let sent = match got {
            Ok(Some(frame)) if frame.frame_idx() < idx => continue,
            Ok(Some(frame)) => {
                // Frames the decoder passed over are reported missing, then this one.
                let upto = frame.frame_idx().min(frames.end);
                let mut ok = (idx..upto).all(|missing| {
                    let reason = "the decoder skipped it".to_owned();
                    let e = VideoError::Decode {
                        path: reader.path().to_owned(),
                        frame_idx: missing,
                        reason,
                    };
                    tx.send(Err((missing, e))).is_ok()
                });
                idx = upto;
                if ok && idx < frames.end {
                    ok = tx.send(Ok(frame)).is_ok();
                    idx += 1;
                }
                ok
            }
            Ok(None) => {
                let path = reader.path().to_owned();
                let ok = (idx..frames.end).all(|missing| {
                    let e = VideoError::Decode {
                        path: path.clone(),
                        frame_idx: missing,
                        reason: "the stream ended before it".into(),
                    };
                    tx.send(Err((missing, e))).is_ok()
                });
                idx = frames.end;
                ok
            }
            Err(e) => {
                let ok = tx.send(Err((idx, e))).is_ok();
                idx += 1;
                // Start again from a fresh seek past the damage.
                seek = true;
                ok
            }
        };
        if !sent {
            return;
        }
    }
}
