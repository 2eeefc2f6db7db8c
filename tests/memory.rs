//! Memory stays bounded however long the video: indexing and decoding do not keep the
//! packets they read. (Its own test binary, so no other test's memory interferes.)

mod common;

use kinelab::video::{SequentialDecoder, load_or_scan_index};

/// Resident memory of this process in MiB (Linux).
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb / 1024.0
}

#[test]
fn indexing_and_decoding_a_long_file_keep_memory_flat() {
    let spec = common::h264_gop250();
    let short = common::clip(&spec);
    // 280 copies of the clip, stream-copied: about 100 MB.
    let long = common::ffmpeg_file(
        "long_loop.mp4",
        &[
            "-stream_loop",
            "279",
            "-i",
            short.to_str().unwrap(),
            "-c",
            "copy",
        ],
    );
    let file_mib = std::fs::metadata(&long).unwrap().len() as f64 / (1 << 20) as f64;
    assert!(file_mib > 80.0, "the long clip is only {file_mib:.0} MiB");

    let before = rss_mib();
    let index = load_or_scan_index(&long, false, &mut |_| {}).unwrap();
    assert_eq!(index.frame_count(), 280 * spec.frames as usize);
    let after_index = rss_mib();
    assert!(
        after_index - before < 30.0,
        "indexing {file_mib:.0} MiB grew memory by {:.0} MiB",
        after_index - before
    );

    let mut decoder = SequentialDecoder::open(&long, 1).unwrap();
    for _ in 0..3000 {
        decoder.next_frame().unwrap().unwrap();
    }
    let after_decode = rss_mib();
    assert!(
        after_decode - after_index < 40.0,
        "decoding 3000 frames grew memory by {:.0} MiB",
        after_decode - after_index
    );
}
