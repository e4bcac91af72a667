//! Model documentation (CommonMark with HTML, as AWS models write it) turned into rustdoc
//! markdown that is safe to emit: no raw HTML, no indented code blocks (which would become
//! doctests), no stray `[links]`.

/// Converts a documentation trait to rustdoc lines (without the leading `///`).
pub fn to_rustdoc(source: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut link_href: Vec<Option<String>> = Vec::new();
    // A blank line in plain-text documentation is a paragraph break.
    let source: String = source
        .lines()
        .map(|l| if l.trim().is_empty() { "<p>" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = source.as_str();
    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        if current.trim() == "-" {
            return; // a list item whose text has not started yet (`<li><p>…`)
        }
        let mut text = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.starts_with('#') {
            text.insert(0, '\\');
        }
        if !text.is_empty() {
            blocks.push(text);
        }
        current.clear();
    };
    while let Some(open) = rest.find('<') {
        push_text(&mut current, &rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            push_text(&mut current, &rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            (
                "p" | "div" | "ul" | "ol" | "note" | "important" | "dl" | "h1" | "h2" | "h3" | "h4",
                _,
            ) => {
                flush(&mut current, &mut blocks);
            }
            ("li" | "dt", false) => {
                flush(&mut current, &mut blocks);
                current.push_str("- ");
            }
            ("li" | "dt" | "dd", true) => flush(&mut current, &mut blocks),
            ("br", _) => flush(&mut current, &mut blocks),
            ("code", _) => current.push('`'),
            ("b" | "strong", _) => current.push_str("**"),
            ("i" | "em", _) => current.push('*'),
            ("a", false) => {
                let href = attribute(tag, "href").filter(|h| h.starts_with("http"));
                if href.is_some() {
                    current.push('[');
                }
                link_href.push(href);
            }
            ("a", true) => {
                if let Some(Some(href)) = link_href.pop() {
                    current.push_str(&format!("]({href})"));
                }
            }
            _ => {}
        }
    }
    push_text(&mut current, rest);
    flush(&mut current, &mut blocks);
    let mut lines = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        let is_item = block.starts_with("- ");
        if i > 0 && !(is_item && lines.last().is_some_and(|l: &String| l.starts_with("- "))) {
            lines.push(String::new());
        }
        lines.push(block);
    }
    lines
}

/// Appends text with entities decoded and markdown-significant characters escaped.
fn push_text(out: &mut String, text: &str) {
    let decoded = text
        .replace("&lt;", "\u{1}")
        .replace("&gt;", "\u{2}")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    for c in decoded.chars() {
        match c {
            '\u{1}' | '<' => out.push_str("\\<"),
            '\u{2}' | '>' => out.push_str("\\>"),
            '[' | ']' | '*' => {
                out.push('\\');
                out.push(c);
            }
            '`' => out.push('\''),
            '\t' | '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}="))? + name.len() + 1;
    let value = &tag[start..];
    let quote = value.chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = value[1..].find(quote)?;
        Some(value[1..=end].to_string())
    } else {
        Some(value.split_whitespace().next()?.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_code_and_links_become_markdown() {
        let lines = to_rustdoc(
            "<p>Creates a <code>Session</code>.</p> <p>See <a href=\"https://example.com/x\">the guide</a>.</p>",
        );
        assert_eq!(
            lines,
            [
                "Creates a `Session`.",
                "",
                "See [the guide](https://example.com/x)."
            ]
        );
    }

    #[test]
    fn lists_stay_together_and_text_is_escaped() {
        let lines = to_rustdoc("<p>Values:</p><ul><li><p>a_b [x]</p></li><li>1 &lt; 2</li></ul>");
        assert_eq!(lines, ["Values:", "", "- a_b \\[x\\]", "- 1 \\< 2"]);
    }

    #[test]
    fn indentation_cannot_make_a_code_block() {
        let lines = to_rustdoc("First line.\n\n        indented text");
        assert_eq!(lines, ["First line.", "", "indented text"]);
    }
}
