//! Pictures of what is shown (the topology, a chart): the caption band's
//! words and the file's name. Pure; `picture_glue.rs` paints and saves.

use shared::session::file_name;
use shared::time::format_rfc3339_millis;

/// Height of the caption band above the picture, in CSS pixels.
pub const CAPTION_BAND_PX: f64 = 28.0;

/// What a picture shows, for its caption and name.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub project: String,
    /// The moment shown (epoch ms): now, or the moment rewound to.
    pub at_millis: i64,
    pub rewound: bool,
    /// The filter in force ("" for none).
    pub filter: String,
}

/// `meshview · payments · 2026-12-03 12:20:05 UTC (rewound) · filter status:error`
pub fn caption(what: &str, moment: &Moment) -> String {
    let time = format_rfc3339_millis(moment.at_millis);
    let time = format!("{} UTC", time.get(..19).unwrap_or(&time).replace('T', " "));
    let mut parts = vec![format!("meshview {what}"), moment.project.clone(), time];
    if moment.rewound {
        parts.push("rewound".to_owned());
    }
    if !moment.filter.trim().is_empty() {
        parts.push(format!("filter {}", moment.filter.trim()));
    }
    parts.join(" · ")
}

/// `meshview-topology-payments-2026-12-03T12-20-05Z.png`
pub fn picture_name(what: &str, moment: &Moment) -> String {
    file_name(&format!("meshview-{what}"), &moment.project, moment.at_millis, "png")
}

/// `text`'s " · "-separated parts in as few lines as `fits` allows.
pub fn wrap(text: &str, fits: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in text.split(" · ") {
        match lines.last_mut() {
            Some(line) if fits(&format!("{line} · {part}")) => {
                line.push_str(" · ");
                line.push_str(part);
            }
            _ => lines.push(part.to_owned()),
        }
    }
    lines
}
