//! Model documentation (CommonMark with HTML, as AWS models write it) turned into rustdoc
//! markdown that is safe to emit: no raw HTML, no indented code blocks (which would become
//! doctests), no stray `[links]`.

/// Converts a documentation trait to rustdoc lines (without the leading `///`).
pub fn to_rustdoc(source: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut link_href: Vec<Option<String>> = Vec::new();
    // A blank line in plain-text documentation is a paragraph break.
    let mut text = String::with_capacity(source.len() + 16);
    for (i, line) in source.lines().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(if line.trim().is_empty() { "<p>" } else { line });
    }
    let source = text;
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
        let name = tag.trim_start_matches('/');
        let name = &name[..name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(name.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(name)
        };
        match (name.as_ref(), closing) {
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
    /// The entities decoded, and what each becomes (`<` and `>` escaped as if written raw).
    const ENTITIES: &[(&str, &str)] = &[
        ("&lt;", "\\<"),
        ("&gt;", "\\>"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&nbsp;", " "),
        ("&amp;", "&"),
    ];
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some((entity, decoded)) = ENTITIES.iter().find(|(e, _)| rest.starts_with(e))
        {
            out.push_str(decoded);
            rest = &rest[entity.len()..];
            continue;
        }
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
        rest = &rest[c.len_utf8()..];
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
