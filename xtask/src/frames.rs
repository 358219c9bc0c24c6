//! Frames as a person watching a page gets them: from the intervals
//! between its animation frames, how many came late and how late. A frame
//! later than `LATE_FRAME_MILLIS` after the one before means one or more
//! frames were not drawn in time (a stutter). The browser benchmark
//! records the intervals on the page (`benches/browser/frames.rs`).

/// A frame this long after the one before it came late (at 60 frames a
/// second, one and a half frame intervals: a frame was missed).
pub const LATE_FRAME_MILLIS: f64 = 25.0;

/// The frames of a window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Frames {
    pub count: usize,
    /// Share of frames that came late (0..=1).
    pub late_share: f64,
    pub p99_millis: f64,
    pub longest_millis: f64,
    /// While a picture was watched (the topology, dragged): the frames in
    /// which it moved, and the pictures shown.
    pub picture: Option<Moved>,
}

/// What a watched picture did over the frames.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moved {
    pub frames: usize,
    pub pictures: usize,
}

impl Frames {
    /// From the intervals between frames (ms), in any order.
    pub fn of(mut intervals: Vec<f64>) -> Frames {
        intervals.retain(|ms| ms.is_finite() && *ms >= 0.0);
        intervals.sort_by(f64::total_cmp);
        let count = intervals.len();
        let (Some(&longest_millis), Some(rank)) = (intervals.last(), (count * 99).div_ceil(100).checked_sub(1)) else {
            return Frames::default();
        };
        let late = intervals.iter().filter(|&&ms| ms > LATE_FRAME_MILLIS).count();
        Frames {
            count,
            late_share: late as f64 / count as f64,
            // The smallest interval at or above 99 % of them (nearest rank).
            p99_millis: intervals.get(rank).copied().unwrap_or(longest_millis),
            longest_millis,
            picture: None,
        }
    }

    /// The same frames, with what the watched picture did in them.
    pub fn with_picture(self, moved_frames: usize, pictures: usize) -> Frames {
        Frames { picture: Some(Moved { frames: moved_frames, pictures }), ..self }
    }

    /// Share of the frames (0..=1) in which the watched picture moved.
    pub fn moved_share(&self) -> Option<f64> {
        self.picture.map(|moved| moved.frames as f64 / self.count.max(1) as f64)
    }

    pub fn line(&self) -> String {
        let picture = match (self.picture, self.moved_share()) {
            (Some(moved), Some(share)) => {
                format!("; the picture moved in {:.1} % of them, {} pictures shown", share * 100.0, moved.pictures)
            }
            _ => String::new(),
        };
        format!(
            "frames: {} ({:.1} % later than {LATE_FRAME_MILLIS} ms), interval p99 {:.1} ms, longest {:.0} ms{picture}",
            self.count,
            self.late_share * 100.0,
            self.p99_millis,
            self.longest_millis
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_count_the_late_ones_and_the_p99() {
        // (intervals, count, late share, p99, longest)
        let cases: [(Vec<f64>, usize, f64, f64, f64); 4] = [
            (vec![], 0, 0.0, 0.0, 0.0),
            (vec![16.7; 100], 100, 0.0, 16.7, 16.7),
            // 98 on time, one missed frame (33.3), one long stall (120).
            ([vec![16.7; 98], vec![33.3, 120.0]].concat(), 100, 0.02, 33.3, 120.0),
            // Order does not matter; 25 ms is not late, anything past is.
            (vec![25.1, 16.0, 25.0, f64::NAN], 3, 1.0 / 3.0, 25.1, 25.1),
        ];
        for (intervals, count, late, p99, longest) in cases {
            let got = Frames::of(intervals.clone());
            assert_eq!((got.count, got.p99_millis, got.longest_millis), (count, p99, longest), "{intervals:?}");
            assert!((got.late_share - late).abs() < 1e-12, "{intervals:?}: {}", got.late_share);
            assert_eq!(got.moved_share(), None, "no picture watched");
        }
        // 200 frames, the picture moved in 150 of them, 40 pictures shown.
        let watched = Frames::of(vec![16.7; 200]).with_picture(150, 40);
        assert_eq!(watched.moved_share(), Some(0.75));
        assert!(
            watched.line().ends_with("the picture moved in 75.0 % of them, 40 pictures shown"),
            "{}",
            watched.line()
        );
    }
}
