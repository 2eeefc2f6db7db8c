//! Frame-exact access: every frame a test asks for carries its own index, and the test
//! reads it back. Covers B-frames, long GOPs, dropped-frame gaps, first PTS != 0, the
//! usual codecs and containers, and the real videos in ../shared/data.

mod common;

use std::time::Duration;

use common::*;
use kinelab::video::{
    DecodeScope, DecodeWorker, FrameConverter, ReaderOptions, SeekMode, SequentialDecoder,
    VideoFrame, VideoReader, WorkerConfig, WorkerEvent,
};

fn index_of(frame: &VideoFrame) -> Option<u32> {
    let planes = frame.yuv420_planes().expect("a 4:2:0 frame");
    read_pattern(planes.y, planes.y_stride)
}

/// Asks the worker for frame `i` and waits for that request's answer.
fn worker_frame(worker: &DecodeWorker, i: usize) -> VideoFrame {
    let generation = worker.request(i);
    loop {
        match worker
            .wait_event(Duration::from_secs(30))
            .expect("an event within 30 s")
        {
            WorkerEvent::Frame {
                generation: g,
                frame,
            } if g == generation => return frame,
            WorkerEvent::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    }
}

/// Reads 50 random frames plus the edges around every keyframe, cold and warm, and
/// checks each is the frame asked for.
fn assert_exact_random_access(spec: &ClipSpec) {
    let path = clip(spec);
    let mut reader = VideoReader::open(&path).unwrap();
    assert_eq!(
        reader.frame_count(),
        spec.frames as usize,
        "frame count of {}",
        spec.name
    );
    let n = reader.frame_count();
    let mut wanted = sample_indices(n, 50, 7);
    for &k in reader.index().keyframe_frames().to_vec().iter() {
        wanted.extend([k.saturating_sub(1), k, (k + 1).min(n - 1)]);
    }
    wanted.extend([0, n - 1, n - 2, 1]);
    let mut converter = FrameConverter::new(&path);
    // Skipping non-reference frames on the way (TargetOnly) must leave the decoder in
    // a state from which later frames are still exact, so the scopes are mixed too.
    let passes = [
        (SeekMode::Auto, DecodeScope::TargetOnly),
        (SeekMode::Always, DecodeScope::TargetOnly),
        (SeekMode::Auto, DecodeScope::Everything),
    ];
    for (mode, scope) in passes {
        for (k, &i) in wanted.iter().enumerate() {
            let scope = if k % 3 == 2 {
                DecodeScope::Everything
            } else {
                scope
            };
            let frame = reader
                .frame_with(i, mode, scope, &mut |_| {}, &|| false)
                .unwrap();
            assert_eq!(frame.frame_idx(), i);
            let frame420 = converter.to_yuv420(&frame).unwrap();
            assert_eq!(
                index_of(&frame420),
                Some(i as u32),
                "{}: frame {i} ({mode:?}, {scope:?})",
                spec.name
            );
        }
        // Sorted access decodes forward from each target: the path stepping takes.
        let mut sorted = wanted.clone();
        sorted.sort_unstable();
        for &i in &sorted {
            let frame = reader
                .frame_with(i, mode, scope, &mut |_| {}, &|| false)
                .unwrap();
            assert_eq!(
                index_of(&converter.to_yuv420(&frame).unwrap()),
                Some(i as u32),
                "{}: sorted frame {i}",
                spec.name
            );
        }
    }
    // And through the RGBA path, a few.
    for &i in wanted.iter().take(5) {
        let rgba = converter.to_rgba(&reader.frame(i).unwrap()).unwrap();
        assert_eq!(
            read_pattern_rgba(&rgba),
            Some(i as u32),
            "{}: RGBA frame {i}",
            spec.name
        );
    }
}

#[test]
fn h264_gop250_with_b_frames() {
    assert_exact_random_access(&h264_gop250());
}

#[test]
fn h264_gop30_with_b_frames() {
    assert_exact_random_access(&h264_gop30());
}

#[test]
fn mjpeg_avi() {
    assert_exact_random_access(&common::mjpeg_avi());
}

#[test]
fn dropped_frame_timestamp_gaps() {
    let spec = vfr_drops();
    assert_exact_random_access(&spec);
    // The gaps are real: time arithmetic would land on the wrong frame.
    let reader = VideoReader::open(&clip(&spec)).unwrap();
    let index = reader.index();
    let tb = reader.info().secs_per_tick();
    let start = index.pts_of(0).unwrap();
    let by_time =
        |i: usize| ((index.pts_of(i).unwrap() - start) as f64 * tb * 30.0).round() as usize;
    let wrong = (0..reader.frame_count())
        .filter(|&i| by_time(i) != i)
        .count();
    assert!(
        wrong > 200,
        "only {wrong} frames differ from time arithmetic"
    );
}

#[test]
fn first_pts_is_not_zero() {
    for spec in [offset_ts(), offset_mkv()] {
        let reader = VideoReader::open(&clip(&spec)).unwrap();
        assert!(
            reader.index().pts_of(0).unwrap() > 0,
            "{} starts at 0",
            spec.name
        );
        drop(reader);
        assert_exact_random_access(&spec);
    }
}

#[test]
fn other_codecs_and_containers() {
    for spec in codec_matrix() {
        assert_exact_random_access(&spec);
    }
}

#[test]
fn sequential_decoding_yields_every_frame_in_order() {
    for spec in [h264_gop30(), vfr_drops(), common::mjpeg_avi()] {
        let path = clip(&spec);
        let mut converter = FrameConverter::new(&path);
        let mut decoder = SequentialDecoder::open(&path, 0).unwrap();
        let mut n = 0u32;
        while let Some(frame) = decoder.next_frame().unwrap() {
            assert_eq!(
                index_of(&converter.to_yuv420(&frame).unwrap()),
                Some(n),
                "{}",
                spec.name
            );
            n += 1;
        }
        assert_eq!(n, spec.frames);
        // The reader's own sequential pass agrees.
        let mut reader = VideoReader::open(&path).unwrap();
        let mut m = 0;
        while let Some(frame) = reader.next_frame().unwrap() {
            assert_eq!(frame.frame_idx(), m);
            m += 1;
        }
        assert_eq!(m, spec.frames as usize);
    }
}

#[test]
fn stepping_back_decodes_the_gop_once_then_uses_the_cache() {
    let path = clip(&h264_gop250());
    let worker = DecodeWorker::spawn(
        &path,
        WorkerConfig {
            prefetch_frames: 0,
            ..Default::default()
        },
        || {},
    );
    let get = |i: usize| worker_frame(&worker, i);
    // A jump takes the shortest path: non-reference frames before 240 are skipped.
    let frame = get(240);
    assert_eq!(index_of(&frame), Some(240));
    // Reference frames met on the way are cached; the first step back onto a skipped
    // (non-reference) frame decodes the GOP from its keyframe (0) once, every frame of
    // it, so all earlier frames of the GOP are then cached.
    for i in (230..240).rev() {
        assert_eq!(index_of(&get(i)), Some(i as u32));
    }
    let cached = worker.cache().lock().len();
    assert!(
        cached >= 240,
        "only {cached} frames cached after stepping back to 230"
    );
    for i in (200..230).rev() {
        assert!(worker.cache().lock().contains(i), "frame {i} not cached");
        assert_eq!(index_of(&get(i)), Some(i as u32));
    }
    // Across a keyframe boundary and back.
    assert_eq!(index_of(&get(251)), Some(251));
    assert_eq!(index_of(&get(249)), Some(249));
    assert_eq!(index_of(&get(599)), Some(599));
}

#[test]
fn newest_request_wins_and_prefetch_fills_ahead() {
    let path = clip(&h264_gop30());
    let worker = DecodeWorker::spawn(&path, WorkerConfig::default(), || {});
    // A burst of requests, as while scrubbing: only the last must be answered.
    let mut last = 0;
    for i in [10, 100, 200, 50, 150] {
        last = worker.request(i);
    }
    let frame = loop {
        match worker
            .wait_event(Duration::from_secs(30))
            .expect("an event")
        {
            WorkerEvent::Frame { generation, frame } if generation == last => break frame,
            WorkerEvent::Frame { frame, .. } => {
                assert!([10, 100, 200, 50].contains(&frame.frame_idx()))
            }
            WorkerEvent::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    };
    assert_eq!(index_of(&frame), Some(150));
    // While idle, the worker decodes ahead of the last request.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !worker.cache().lock().contains(170) {
        assert!(
            std::time::Instant::now() < deadline,
            "no prefetch ahead of frame 150"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn cache_stays_within_its_byte_budget() {
    let path = clip(&h264_gop250());
    let frame_bytes = (WIDTH * HEIGHT * 3 / 2) as usize;
    let budget = frame_bytes * 40;
    let worker = DecodeWorker::spawn(
        &path,
        WorkerConfig {
            cache_bytes: budget,
            ..Default::default()
        },
        || {},
    );
    worker_frame(&worker, 500);
    let cache = worker.cache().lock();
    assert!(
        cache.bytes() <= budget,
        "{} bytes cached, budget {budget}",
        cache.bytes()
    );
    assert!(cache.contains(500));
}

#[test]
fn real_videos_match_ffprobe_frame_counts() {
    for rel in [
        "dlc-openfield/videos/m3v1mp4.mp4",
        "sleap/videos/centered_pair_small.mp4",
        "sleap/tracks/clip.mp4",
    ] {
        let Some(path) = shared_data(rel) else { return };
        let expected = ffprobe_frame_count(&path);
        let reader = VideoReader::open(&path).unwrap();
        assert_eq!(reader.frame_count(), expected, "index count of {rel}");
        let mut decoder = SequentialDecoder::open(&path, 0).unwrap();
        let mut decoded = 0;
        while decoder.next_frame().unwrap().is_some() {
            decoded += 1;
        }
        assert_eq!(decoded, expected, "decoded count of {rel}");
    }
}

#[test]
fn real_video_random_access_matches_sequential_decoding() {
    let Some(path) = shared_data("sleap/videos/centered_pair_small.mp4") else {
        return;
    };
    let mut decoder = SequentialDecoder::open(&path, 0).unwrap();
    let mut sequential = Vec::new();
    while let Some(frame) = decoder.next_frame().unwrap() {
        let planes = frame.yuv420_planes().unwrap();
        sequential.push(
            (0..planes.height as usize)
                .flat_map(|y| planes.y[y * planes.y_stride..][..planes.width as usize].to_vec())
                .collect::<Vec<u8>>(),
        );
    }
    let mut reader = VideoReader::open(&path).unwrap();
    for i in sample_indices(sequential.len(), 30, 3) {
        let frame = reader
            .frame_with(
                i,
                SeekMode::Always,
                DecodeScope::TargetOnly,
                &mut |_| {},
                &|| false,
            )
            .unwrap();
        let planes = frame.yuv420_planes().unwrap();
        let luma: Vec<u8> = (0..planes.height as usize)
            .flat_map(|y| planes.y[y * planes.y_stride..][..planes.width as usize].to_vec())
            .collect();
        assert!(
            luma == sequential[i],
            "frame {i} differs from the sequential decode"
        );
    }
}

#[test]
fn a_reader_that_scanned_its_own_source_stays_exact() {
    // Without the sidecar cache the reader scans the source it then decodes, so the
    // demuxer starts at the end of the file and every request must seek back.
    let options = ReaderOptions {
        use_index_cache: false,
        ..Default::default()
    };
    let mpeg4_avi = codec_matrix()
        .into_iter()
        .find(|s| s.name == "mpeg4.avi")
        .unwrap();
    for spec in [h264_gop30(), offset_ts(), mpeg4_avi] {
        let path = clip(&spec);
        let mut reader = VideoReader::open_with(&path, options).unwrap();
        let mut converter = FrameConverter::new(&path);
        for i in [0, 1, spec.frames as usize / 2, spec.frames as usize - 1] {
            let frame = converter.to_yuv420(&reader.frame(i).unwrap()).unwrap();
            assert_eq!(index_of(&frame), Some(i as u32), "{}: frame {i}", spec.name);
        }
        // The reader also gives every frame in order after a scan.
        let mut fresh = VideoReader::open_with(&path, options).unwrap();
        let mut n = 0;
        while let Some(frame) = fresh.next_frame().unwrap() {
            assert_eq!(frame.frame_idx(), n, "{}", spec.name);
            n += 1;
        }
        assert_eq!(n, spec.frames as usize, "{}", spec.name);
        // And the worker, which shows the first frame from the source it opened.
        let worker = DecodeWorker::spawn(
            &path,
            WorkerConfig {
                use_index_cache: false,
                ..Default::default()
            },
            || {},
        );
        for i in [3usize, 0, spec.frames as usize - 2] {
            let frame = worker_frame(&worker, i);
            assert_eq!(
                index_of(&converter.to_yuv420(&frame).unwrap()),
                Some(i as u32),
                "{}: worker frame {i}",
                spec.name
            );
        }
    }
}

/// The quick open skips FFmpeg's stream probe on MP4/MOV; every fact the engine uses
/// must still match the fully probed open, and the first frame must still be frame 0.
#[test]
fn quick_open_agrees_with_the_probed_open() {
    use kinelab::video::{decode_first_frame, source::OpenedSource};
    for spec in [
        h264_gop30(),
        h264_faststart(),
        vfr_drops(),
        common::mjpeg_avi(),
    ] {
        let path = clip(&spec);
        let full = OpenedSource::open(&path).unwrap().info;
        let quick = OpenedSource::open_quick(&path).unwrap().info;
        let name = spec.name;
        assert_eq!(
            (quick.width, quick.height),
            (full.width, full.height),
            "{name}"
        );
        assert_eq!(quick.codec, full.codec, "{name}");
        assert_eq!(quick.time_base, full.time_base, "{name}");
        assert_eq!(
            quick.container_frame_count, full.container_frame_count,
            "{name}"
        );
        assert!(
            (quick.fps - full.fps).abs() < 1e-6,
            "{name}: {} vs {}",
            quick.fps,
            full.fps
        );
        let first = decode_first_frame(&path).unwrap();
        assert_eq!(first.frame_idx(), 0, "{name}");
        let planes = first.yuv420_planes().expect("4:2:0");
        assert_eq!(read_pattern(planes.y, planes.y_stride), Some(0), "{name}");
    }
}

/// A keyframe is decoded alone (the decoder is drained right after it); reading on
/// from there must still give the following frames, exactly and in order.
#[test]
fn reading_on_after_a_keyframe_alone() {
    let spec = h264_gop30();
    let path = clip(&spec);
    let mut reader = VideoReader::open(&path).unwrap();
    let keyframe = reader.index().keyframe_frames()[2];
    assert_eq!(reader.frame(keyframe).unwrap().frame_idx(), keyframe);
    for expected in keyframe + 1..keyframe + 40 {
        let frame = reader.next_frame().unwrap().expect("a next frame");
        assert_eq!(frame.frame_idx(), expected);
        let planes = frame.yuv420_planes().unwrap();
        assert_eq!(
            read_pattern(planes.y, planes.y_stride),
            Some(expected as u32)
        );
    }
}

/// While idle, the worker decodes a small copy of every keyframe (for scrubbing); each
/// is the keyframe it claims to be.
#[test]
fn idle_worker_decodes_keyframe_thumbnails() {
    let spec = h264_gop30();
    let path = clip(&spec);
    let worker = DecodeWorker::spawn(&path, WorkerConfig::default(), || {});
    let first = worker_frame(&worker, 0);
    assert_eq!(first.frame_idx(), 0);
    let keyframes = VideoReader::open(&path)
        .unwrap()
        .index()
        .keyframe_frames()
        .to_vec();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while worker.thumbnails().lock().unwrap().len() < keyframes.len() {
        assert!(
            std::time::Instant::now() < deadline,
            "thumbnails did not come"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let thumbs = worker.thumbnails().lock().unwrap();
    for (&k, thumb) in thumbs.iter() {
        assert!(keyframes.contains(&k), "{k} is not a keyframe");
        assert_eq!(thumb.frame_idx(), k);
        assert!(thumb.width() <= kinelab::video::worker::THUMBNAIL_WIDTH);
        let planes = thumb.yuv420_planes().expect("4:2:0");
        // The clip is 320 wide, so the thumbnail is full size and still readable.
        assert_eq!(read_pattern(planes.y, planes.y_stride), Some(k as u32));
    }
}

/// Frames reach a viewer in the layout it draws from, converted on the decode worker:
/// packed RGBA for the CPU texture (equal to swscale's RGBA of the same frame), and
/// 4:2:0 planes for the GPU shader even from a 4:2:2 stream. The UI thread only uploads.
#[test]
fn the_worker_delivers_frames_in_the_screen_layout() {
    let receive = |path: &std::path::Path, screen_format, frame_idx| -> VideoFrame {
        let worker = DecodeWorker::spawn(
            path,
            WorkerConfig {
                screen_format,
                ..WorkerConfig::default()
            },
            || {},
        );
        let generation = worker.request(frame_idx);
        loop {
            match worker
                .wait_event(Duration::from_secs(30))
                .expect("an event")
            {
                WorkerEvent::Frame {
                    generation: g,
                    frame,
                } if g == generation => break frame,
                WorkerEvent::Failed { error, .. } => panic!("{error}"),
                _ => {}
            }
        }
    };
    let path = clip(&h264_gop30());
    let frame = receive(&path, kinelab::video::ScreenFormat::Rgba, 42);
    assert_eq!(frame.frame_idx(), 42);
    let (pixels, stride) = frame.rgba().expect("an RGBA frame");
    let decoded = VideoReader::open(&path).unwrap().frame(42).unwrap();
    let expected = FrameConverter::new(&path).to_rgba(&decoded).unwrap();
    let row = expected.width() as usize * 4;
    for y in 0..expected.height() as usize {
        assert_eq!(
            &pixels[y * stride..y * stride + row],
            &expected.as_raw()[y * row..(y + 1) * row],
            "row {y}"
        );
    }
    // MJPEG at 4:2:2 decodes to yuvj422p: the shader gets 4:2:0 planes all the same.
    let mjpeg_422 = common::ffmpeg_file(
        "mjpeg422.avi",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=0.4",
            "-c:v",
            "mjpeg",
            "-pix_fmt",
            "yuvj422p",
        ],
    );
    let frame = receive(&mjpeg_422, kinelab::video::ScreenFormat::Yuv420, 3);
    assert!(frame.yuv420_planes().is_some(), "{frame:?}");
}

/// Jumps cancelled part way (as a newer request does), at every point of the GOP, then a
/// frame just before the abandoned target: the reader gives that exact frame. A jump
/// skips the non-reference frames before its target, so decoding on from where it
/// stopped could miss the frame asked for; the reader must seek instead, and never
/// report a frame missing that a fresh seek finds.
#[test]
fn a_frame_skipped_by_a_cancelled_jump_is_still_found() {
    let path = clip(&h264_gop30());
    let mut reader = VideoReader::open(&path).unwrap();
    for target in 31..59 {
        // Cancel the jump to `target` a few packets in, at every possible point.
        for feed in 1..40 {
            let polls = std::cell::Cell::new(0);
            let _ = reader.frame_with(
                target,
                SeekMode::Always,
                DecodeScope::TargetOnly,
                &mut |_| {},
                &|| {
                    polls.set(polls.get() + 1);
                    polls.get() > feed
                },
            );
            let earlier = target - 1;
            let frame = reader.frame(earlier).unwrap_or_else(|e| {
                panic!("frame {earlier} after a jump to {target} cancelled at {feed}: {e}")
            });
            assert_eq!(index_of(&frame), Some(earlier as u32));
        }
    }
}
