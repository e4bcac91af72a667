//! The shorthand syntax of flag values, as the AWS CLI reads it:
//! `Key=Value,Nested={A=1,B=[x,y]},List=a,b` for structures and maps, `a,b,c` or `[a,b]` for
//! lists.

use std::fmt;

use serde_json::{Map, Value};

/// A shorthand syntax error: what was expected and the character position.
#[derive(Debug, Clone, PartialEq)]
pub struct ShorthandError {
    pub input: String,
    /// Character offset of the offending character (the input's length at the end).
    pub position: usize,
    pub message: String,
}

impl fmt::Display for ShorthandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid shorthand syntax at position {}: {}\n  {}\n  {}^",
            self.position,
            self.message,
            self.input,
            " ".repeat(self.position)
        )
    }
}

impl std::error::Error for ShorthandError {}

/// Parses shorthand syntax for a structure or map: `Key=Value,Nested={A=1,B=[x,y]},List=a,b`.
/// Values are strings (shape checks convert them); `a,b` after a key makes a list, quotes
/// (`"…"` or `'…'`) keep `,`, `=`, braces and brackets, and `\` escapes one character.
pub fn parse_shorthand(text: &str) -> Result<Value, ShorthandError> {
    let mut parser = Shorthand::new(text);
    let value = parser.key_values(None)?;
    parser.end()?;
    Ok(value)
}

/// Parses shorthand syntax for a list: `a,b,c`, `[a,b]` or `[{A=1},{A=2}]`; a single value that
/// is a structure (`A=1,B=2`) becomes a one-element list.
pub fn parse_shorthand_values(text: &str) -> Result<Value, ShorthandError> {
    let mut parser = Shorthand::new(text);
    parser.skip_ws();
    if parser.at_key() {
        let value = parser.key_values(None)?;
        parser.end()?;
        return Ok(Value::Array(vec![value]));
    }
    let mut items = vec![parser.value()?];
    loop {
        parser.skip_ws();
        if !parser.eat(',') {
            break;
        }
        items.push(parser.value()?);
    }
    parser.end()?;
    Ok(match items.as_slice() {
        [Value::Array(_)] => items.remove(0),
        _ => Value::Array(items),
    })
}

struct Shorthand {
    chars: Vec<char>,
    pos: usize,
    input: String,
    /// How many `{` and `[` are open.
    depth: usize,
}

/// The deepest nesting shorthand accepts, as JSON and YAML input (serde_json's limit): deeper
/// input would only exhaust the stack.
pub const MAX_SHORTHAND_DEPTH: usize = 128;

impl Shorthand {
    fn new(text: &str) -> Self {
        Shorthand {
            chars: text.chars().collect(),
            pos: 0,
            input: text.to_string(),
            depth: 0,
        }
    }

    /// Opens one more level of `{` or `[`.
    fn nest(&mut self) -> Result<(), ShorthandError> {
        self.depth += 1;
        if self.depth > MAX_SHORTHAND_DEPTH {
            return Err(self.error(format!(
                "nested more than {MAX_SHORTHAND_DEPTH} levels deep"
            )));
        }
        Ok(())
    }

    fn error(&self, message: impl Into<String>) -> ShorthandError {
        ShorthandError {
            input: self.input.clone(),
            position: self.pos,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn end(&mut self) -> Result<(), ShorthandError> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(c) => Err(self.error(format!("unexpected {c:?}"))),
        }
    }

    fn is_key_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/' | '@' | '+' | '*')
    }

    /// Whether a `key=` starts here (whitespace allowed around the key).
    fn at_key(&self) -> bool {
        let mut i = self.pos;
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let start = i;
        while self.chars.get(i).copied().is_some_and(Self::is_key_char) {
            i += 1;
        }
        if i == start {
            return false;
        }
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        self.chars.get(i) == Some(&'=')
    }

    /// `key=value(,key=value)*` up to `close` (or the end).
    fn key_values(&mut self, close: Option<char>) -> Result<Value, ShorthandError> {
        let mut object = Map::new();
        self.skip_ws();
        if close.is_some() && self.peek() == close {
            return Ok(Value::Object(object));
        }
        loop {
            self.skip_ws();
            let start = self.pos;
            while self.peek().is_some_and(Self::is_key_char) {
                self.pos += 1;
            }
            if self.pos == start {
                return Err(match self.peek() {
                    Some(c) => self.error(format!("expected a key, found {c:?}")),
                    None => self.error("expected a key, found the end of the input"),
                });
            }
            let key: String = self.chars[start..self.pos].iter().collect();
            self.skip_ws();
            if !self.eat('=') {
                return Err(match self.peek() {
                    Some(c) => self.error(format!("expected '=' after {key:?}, found {c:?}")),
                    None => self.error(format!("expected '=' after {key:?}")),
                });
            }
            if object.contains_key(&key) {
                return Err(ShorthandError {
                    position: start,
                    ..self.error(format!("{key:?} is given twice"))
                });
            }
            let mut values = vec![self.value()?];
            // `Key=a,b,c`: values that are not followed by `=` continue a list.
            loop {
                self.skip_ws();
                if self.peek() != Some(',') {
                    break;
                }
                let comma = self.pos;
                self.pos += 1;
                if self.at_key() {
                    self.pos = comma;
                    break;
                }
                values.push(self.value()?);
            }
            let value = if values.len() == 1 {
                values.remove(0)
            } else {
                Value::Array(values)
            };
            object.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                c if c == close => return Ok(Value::Object(object)),
                Some(c) => return Err(self.error(format!("expected ',' or the end, found {c:?}"))),
                None => {
                    return Err(self.error(format!(
                        "expected {:?} before the end of the input",
                        close.unwrap_or(',')
                    )));
                }
            }
        }
    }

    /// One value: `{…}`, `[…]`, a quoted string or bare text.
    fn value(&mut self) -> Result<Value, ShorthandError> {
        self.skip_ws();
        match self.peek() {
            Some('{') => {
                self.nest()?;
                self.pos += 1;
                let value = self.key_values(Some('}'))?;
                if !self.eat('}') {
                    return Err(self.error("expected '}'"));
                }
                self.depth -= 1;
                Ok(value)
            }
            Some('[') => {
                self.nest()?;
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.eat(']') {
                    self.depth -= 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.skip_ws();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some(']') => {
                            self.pos += 1;
                            self.depth -= 1;
                            return Ok(Value::Array(items));
                        }
                        Some(c) => {
                            return Err(self.error(format!("expected ',' or ']', found {c:?}")));
                        }
                        None => return Err(self.error("expected ']' before the end of the input")),
                    }
                }
            }
            Some(quote @ ('"' | '\'')) => {
                let open = self.pos;
                self.pos += 1;
                let mut text = String::new();
                loop {
                    match self.peek() {
                        None => {
                            return Err(ShorthandError {
                                position: open,
                                ..self.error(format!("unterminated {quote} quote"))
                            });
                        }
                        Some('\\') if matches!(self.chars.get(self.pos + 1), Some(&c) if c == quote || c == '\\') =>
                        {
                            text.push(self.chars[self.pos + 1]);
                            self.pos += 2;
                        }
                        Some(c) if c == quote => {
                            self.pos += 1;
                            return Ok(Value::String(text));
                        }
                        Some(c) => {
                            text.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            _ => {
                let mut text = String::new();
                while let Some(c) = self.peek() {
                    match c {
                        ',' | '}' | ']' => break,
                        '\\' => match self.chars.get(self.pos + 1) {
                            Some(&next) => {
                                text.push(next);
                                self.pos += 2;
                            }
                            None => return Err(self.error("nothing to escape after '\\'")),
                        },
                        '{' | '[' => {
                            return Err(self.error(format!(
                                "unexpected {c:?} inside a value (quote the value to keep it)"
                            )));
                        }
                        _ => {
                            text.push(c);
                            self.pos += 1;
                        }
                    }
                }
                Ok(Value::String(text.trim_end().to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shorthand(text: &str) -> Value {
        parse_shorthand(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn shorthand_flat_key_values_are_strings() {
        assert_eq!(shorthand("A=1,B=x y"), json!({"A": "1", "B": "x y"}));
        assert_eq!(shorthand(" A = 1 , B= 2 "), json!({"A": "1", "B": "2"}));
        assert_eq!(shorthand("A="), json!({"A": ""}));
    }

    #[test]
    fn shorthand_nested_structures_and_maps() {
        assert_eq!(
            shorthand("OutputConfig={S3Bucket=b,S3KeyPrefix=p},AuditImagesLimit=2"),
            json!({"OutputConfig": {"S3Bucket": "b", "S3KeyPrefix": "p"}, "AuditImagesLimit": "2"})
        );
        assert_eq!(
            shorthand("A={B={C=deep}},D={}"),
            json!({"A": {"B": {"C": "deep"}}, "D": {}})
        );
    }

    #[test]
    fn shorthand_lists_bare_and_bracketed() {
        assert_eq!(
            shorthand("L=a,b,c,K=v"),
            json!({"L": ["a", "b", "c"], "K": "v"})
        );
        assert_eq!(shorthand("L=[a,b],K=[]"), json!({"L": ["a", "b"], "K": []}));
        assert_eq!(
            shorthand("L=[{A=1},{A=2,B=[x]}]"),
            json!({"L": [{"A": "1"}, {"A": "2", "B": ["x"]}]})
        );
    }

    #[test]
    fn shorthand_quotes_and_escapes_keep_special_characters() {
        assert_eq!(
            shorthand(r#"A="x,y={z}",C=a\,b,D="say \"hi\"""#),
            json!({"A": "x,y={z}", "C": "a,b", "D": "say \"hi\""})
        );
        assert_eq!(shorthand("A='[1]'"), json!({"A": "[1]"}));
    }

    #[test]
    fn shorthand_list_values() {
        assert_eq!(
            parse_shorthand_values("a,b,c").ok(),
            Some(json!(["a", "b", "c"]))
        );
        assert_eq!(
            parse_shorthand_values("[a, b]").ok(),
            Some(json!(["a", "b"]))
        );
        assert_eq!(parse_shorthand_values("one").ok(), Some(json!(["one"])));
        assert_eq!(
            parse_shorthand_values("Name=a,Values=x,y").ok(),
            Some(json!([{"Name": "a", "Values": ["x", "y"]}]))
        );
    }

    fn error(text: &str) -> ShorthandError {
        match parse_shorthand(text) {
            Ok(value) => panic!("{text} parsed as {value}"),
            Err(e) => e,
        }
    }

    #[test]
    fn shorthand_errors_point_at_the_offending_character() {
        let e = error("A={B}");
        assert_eq!(e.position, 4);
        assert!(
            e.message.contains("expected '=' after \"B\", found '}'"),
            "{e}"
        );
        let e = error("A={B=1");
        assert_eq!(e.position, 6);
        assert!(e.message.contains("'}'"), "{e}");
        let e = error("A=[1,2");
        assert_eq!(e.position, 6);
        let e = error("A=\"open");
        assert_eq!(e.position, 2);
        assert!(e.message.contains("unterminated"), "{e}");
        let e = error("=1");
        assert_eq!(e.position, 0);
        let e = error("A=1,A=2");
        assert_eq!(e.position, 4);
        assert!(e.message.contains("twice"), "{e}");
        let e = error("A=x{");
        assert_eq!(e.position, 3);
        // The rendering shows the input with a caret under the position.
        assert_eq!(
            error("A={B}").to_string(),
            "invalid shorthand syntax at position 4: expected '=' after \"B\", found '}'\n  A={B}\n      ^"
        );
    }

    #[test]
    fn shorthand_nesting_is_limited_like_json_input() {
        let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert!(parse_shorthand_values(&deep(MAX_SHORTHAND_DEPTH)).is_ok());
        let err = parse_shorthand_values(&deep(MAX_SHORTHAND_DEPTH + 1)).unwrap_err();
        assert!(err.message.contains("nested more than 128 levels"), "{err}");
        let objects = format!("{}1{}", "a={".repeat(200_000), "}".repeat(200_000));
        let err = parse_shorthand(&objects).unwrap_err();
        assert!(err.message.contains("nested more than 128 levels"), "{err}");
        // A million brackets: an error, not a stack overflow.
        assert!(parse_shorthand_values(&"[".repeat(1_000_000)).is_err());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// Any text on the command line: a value or a positioned error, never a panic.
            #[test]
            fn shorthand_never_panics(text in any::<String>(), shaped in "[a-z=,{}\\[\\]\"'\\\\ é]{0,40}") {
                for text in [&text, &shaped] {
                    if let Err(e) = parse_shorthand(text) {
                        prop_assert!(e.position <= text.chars().count());
                        let _ = e.to_string();
                    }
                    let _ = parse_shorthand_values(text);
                }
            }
        }
    }
}
