//! Keyboard navigation of the topology: an arrow key moves the selection
//! to the nearest thing drawn in that direction. Nearest counts sideways
//! drift double, so ←/→ stay on a row and ↑/↓ on a column; things within
//! 45° of the direction come first, then anything ahead at all. Pure:
//! positions in, a key out.

/// An arrow key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Left,
    Right,
    Up,
    Down,
}

impl Direction {
    /// The direction of a `KeyboardEvent.key`, if it is an arrow.
    pub fn of_key(key: &str) -> Option<Direction> {
        match key {
            "ArrowLeft" => Some(Direction::Left),
            "ArrowRight" => Some(Direction::Right),
            "ArrowUp" => Some(Direction::Up),
            "ArrowDown" => Some(Direction::Down),
            _ => None,
        }
    }

    /// (ahead, sideways) of `to` seen from `from` (screen y grows down).
    fn split(self, from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        match self {
            Direction::Left => (-dx, dy.abs()),
            Direction::Right => (dx, dy.abs()),
            Direction::Up => (-dy, dx.abs()),
            Direction::Down => (dy, dx.abs()),
        }
    }
}

/// Sideways drift costs this much more than distance ahead.
const SIDEWAYS_WEIGHT: f64 = 2.0;

/// The key of the item nearest to `from` in `direction`, if any is ahead
/// of it; ties go to the smallest key.
pub fn nearest<K: Ord>(
    from: (f64, f64),
    direction: Direction,
    items: impl IntoIterator<Item = (K, (f64, f64))>,
) -> Option<K> {
    let mut best: Option<((bool, f64), K)> = None;
    for (key, at) in items {
        let (ahead, sideways) = direction.split(from, at);
        if ahead <= 0.0 || !ahead.is_finite() || !sideways.is_finite() {
            continue;
        }
        // Outside the 45° cone ranks after everything inside it.
        let rank = (sideways > ahead, ahead + SIDEWAYS_WEIGHT * sideways);
        let better = match &best {
            None => true,
            Some((held, held_key)) => {
                rank.0.cmp(&held.0).then(rank.1.total_cmp(&held.1)).then_with(|| key.cmp(held_key)).is_lt()
            }
        };
        if better {
            best = Some((rank, key));
        }
    }
    best.map(|(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 3 grid, 10 apart, named by row and column ("b2" in the
    /// middle), plus "far" down and well to the right.
    fn grid() -> Vec<(&'static str, (f64, f64))> {
        let mut items = Vec::new();
        for (row, y) in [("a", 0.0), ("b", 10.0), ("c", 20.0)] {
            for (column, x) in [("1", 0.0), ("2", 10.0), ("3", 20.0)] {
                items.push((&*Box::leak(format!("{row}{column}").into_boxed_str()), (x, y)));
            }
        }
        items.push(("far", (100.0, 14.0)));
        items
    }

    fn check(from: (f64, f64), key: &str, expected: Option<&str>) {
        let direction = Direction::of_key(key).expect("an arrow");
        assert_eq!(nearest(from, direction, grid()), expected, "{key} from {from:?}");
    }

    #[test]
    fn arrows_move_along_rows_and_columns() {
        check((10.0, 10.0), "ArrowRight", Some("b3"));
        check((10.0, 10.0), "ArrowLeft", Some("b1"));
        check((10.0, 10.0), "ArrowUp", Some("a2"));
        check((10.0, 10.0), "ArrowDown", Some("c2"));
        // From the right edge of row b, the next thing right is "far".
        check((20.0, 10.0), "ArrowRight", Some("far"));
        // Nothing above the top row.
        check((0.0, 0.0), "ArrowUp", None);
        // Off the grid: the nearest within 45° wins over a closer one outside it.
        check((10.0, -30.0), "ArrowDown", Some("a2"));
        // c1 is closer, but 20 sideways for 10 ahead; c2 is 20 and 20.
        check((-10.0, 40.0), "ArrowRight", Some("c2"));
        assert_eq!(Direction::of_key("Enter"), None);
    }

    #[test]
    fn ties_go_to_the_smallest_key_and_outside_the_cone_comes_last() {
        let items = [("z", (10.0, 5.0)), ("y", (10.0, -5.0))];
        assert_eq!(nearest((0.0, 0.0), Direction::Right, items), Some("y"));
        // Only things more sideways than ahead: still reachable.
        let items = [("side", (1.0, 30.0))];
        assert_eq!(nearest((0.0, 0.0), Direction::Right, items), Some("side"));
    }
}
