//! Durations for people: "7h 59m", "12 min", "40 s".

pub fn time_left(seconds: i64) -> String {
    match seconds {
        s if s <= 0 => "expired".to_string(),
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// "5 s ago", "3 min ago".
pub fn ago(seconds: u64) -> String {
    match seconds {
        0 => "just now".to_string(),
        s if s < 60 => format!("{s} s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s => format!("{}h {:02}m ago", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_naturally() {
        assert_eq!(time_left(-5), "expired");
        assert_eq!(time_left(40), "40 s");
        assert_eq!(time_left(720), "12 min");
        assert_eq!(time_left(28_740), "7h 59m");
        assert_eq!(ago(0), "just now");
        assert_eq!(ago(125), "2 min ago");
    }
}
