//! Waiter paths beyond plain names (`length(...) > \`0\``, filters, projections), by the
//! JMESPath engine: compiled only into crates whose waiters have such paths.

use serde_json::Value;

/// The path's result over `data`, as JSON (`null` when the path does not resolve). Paths were
/// compiled at generation time; one that fails here matches nothing.
pub(crate) fn search(path: &str, data: &Value) -> Value {
    let Ok(expression) = jmespath::compile(path) else {
        return Value::Null;
    };
    let Ok(data) = jmespath::Variable::try_from(data) else {
        return Value::Null;
    };
    expression
        .search(data)
        .ok()
        .and_then(|result| serde_json::to_value(&*result).ok())
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_evaluate_and_bad_ones_match_nothing() {
        let data = serde_json::json!({"L": [{"S": "A"}, {"S": "B"}]});
        assert_eq!(search("length(L)", &data), serde_json::json!(2));
        assert_eq!(search("L[].S", &data), serde_json::json!(["A", "B"]));
        assert_eq!(search("L[", &data), Value::Null);
    }
}
