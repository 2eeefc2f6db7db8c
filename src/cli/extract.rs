//! `kinelab extract`: pick frames to label, as DeepLabCut's extract_frames does.

use std::path::Path;

use anyhow::{Context, bail};

use crate::analysis::frame_selection;
use crate::formats::dlc_project::image_name;
use crate::util::text::plural;
use crate::video::FrameConverter;

use super::{ExtractMethod, progress};
use crate::util::png;

pub fn run(
    video: &Path,
    count: usize,
    method: ExtractMethod,
    start: f64,
    stop: f64,
    out: &Path,
) -> anyhow::Result<()> {
    if count == 0 {
        bail!("--count must be at least 1");
    }
    if !(0.0..=1.0).contains(&start) || !(0.0..=1.0).contains(&stop) || start >= stop {
        bail!(
            "--start and --stop are fractions of the video with 0 <= start < stop <= 1 (got {start} and {stop})"
        );
    }
    let mut reader = progress::open_reader(video)?;
    let frame_count = reader.frame_count();
    let range = frame_selection::frame_range(frame_count, start, stop)
        .with_context(|| video.display().to_string())?;
    if count > range.len() {
        eprintln!(
            "--count {count} is more than the {} in the range: all of them are written",
            plural(range.len(), "frame", "frames")
        );
    }
    let picked = match method {
        ExtractMethod::Uniform => frame_selection::uniform(range, count),
        ExtractMethod::Kmeans => {
            let bar = progress::bar(range.len() as u64, "reading frames");
            let first = range.start;
            let picked = frame_selection::kmeans(&mut reader, range, count, &mut |idx| {
                bar.set_position((idx - first) as u64)
            })
            .with_context(|| format!("frame selection failed: {}", video.display()))?;
            bar.finish_and_clear();
            picked
        }
    };
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let mut converter = FrameConverter::new(video);
    let bar = progress::bar(picked.len() as u64, "writing");
    for &frame_idx in &picked {
        let frame = reader.frame(frame_idx)?;
        let rgb = converter.to_rgb(&frame)?;
        png::write_rgb_png(
            &out.join(image_name(frame_idx as u64, frame_count as u64)),
            &rgb,
        )?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let list: Vec<String> = picked.iter().map(ToString::to_string).collect();
    println!("{}", list.join(","));
    eprintln!(
        "wrote {} to {}",
        plural(picked.len(), "frame", "frames"),
        out.display()
    );
    Ok(())
}
