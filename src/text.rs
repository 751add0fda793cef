//! Wording shared by every front end: counts with the right plural, and the names of the
//! confidence levels, so the app, `stats` and plain mode say the same thing.

/// An integer count of anything (questions, days, requests).
pub trait Count: Copy {
    fn is_one(self) -> bool;
    fn show(self) -> String;
}

macro_rules! count {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn is_one(self) -> bool {
                self == 1
            }
            fn show(self) -> String {
                self.to_string()
            }
        }
    )*};
}
count!(usize, u32, u64, i32, i64);

/// "1 request", "2 requests", "0 requests": the English rule (only one is singular).
pub fn plural<N: Count>(n: N, word: &str) -> String {
    plural_as(n, word, &format!("{word}s"))
}

/// The same for a word whose plural is not "-s": `plural_as(n, "entry", "entries")`.
pub(crate) fn plural_as<N: Count>(n: N, one: &str, many: &str) -> String {
    format!("{} {}", n.show(), if n.is_one() { one } else { many })
}

/// The confidence levels as the learner marks them (1, 2, 3 in storage).
pub(crate) const CONFIDENCE: [&str; 3] = ["unsure", "fairly sure", "sure"];

/// The name of a stored confidence level; unknown values are named as such, not guessed.
pub(crate) fn confidence_label(level: u8) -> &'static str {
    CONFIDENCE.get(usize::from(level).wrapping_sub(1)).copied().unwrap_or("unknown")
}

/// Text with its first letter in capitals (errors are written lower-case so they read well
/// after a colon).
pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A message as a sentence on its own: capitalised, ending in a full stop.
pub(crate) fn sentence(text: &str) -> String {
    let s = capitalise(text.trim_end());
    if s.ends_with(['.', '!', '?']) { s } else { s + "." }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(plural(1usize, "request"), "1 request");
        assert_eq!(plural(0u32, "day"), "0 days");
        assert_eq!(plural(2i64, "review"), "2 reviews");
        assert_eq!(plural_as(1u64, "entry", "entries"), "1 entry");
        assert_eq!(plural_as(3u64, "entry", "entries"), "3 entries");
    }

    #[test]
    fn confidence_has_one_vocabulary() {
        assert_eq!(confidence_label(1), "unsure");
        assert_eq!(confidence_label(2), "fairly sure");
        assert_eq!(confidence_label(3), "sure");
        assert_eq!(confidence_label(0), "unknown");
        assert_eq!(confidence_label(9), "unknown");
    }
}
