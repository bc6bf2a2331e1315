//! JSON text byte-identical to Python's `json.dumps`, for the cache file names botocore derives
//! by hashing `json.dumps(...)` output: the AWS CLI and this host must arrive at the same name.

/// A JSON string as Python's `json.dumps` writes it (`ensure_ascii=True`: everything outside
/// printable ASCII as lowercase `\uXXXX`, UTF-16 surrogate pairs above the BMP).
pub fn python_json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_python() {
        // python3 -c 'import json; print(json.dumps("é\U0001F600\x7f\"\\\n"))'
        assert_eq!(
            python_json_string("é\u{1F600}\x7f\"\\\n"),
            r#""\u00e9\ud83d\ude00\u007f\"\\\n""#
        );
        assert_eq!(python_json_string("https://x/start#/"), r#""https://x/start#/""#);
    }
}
