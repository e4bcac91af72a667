use std::collections::BTreeSet;
fn collect(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                if k == "smithy.api#pattern" {
                    if let Some(s) = v.as_str() {
                        out.insert(s.to_string());
                    }
                } else {
                    collect(v, out)
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}
fn main() {
    let mut pats = BTreeSet::new();
    for e in std::fs::read_dir("/work/shared/models-all").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            collect(&v, &mut pats);
        }
    }
    let (mut straight, mut auto, mut fail) = (0, 0, 0);
    let mut rows = Vec::new();
    for p in &pats {
        if codegen::scan::plan(p).is_some() {
            straight += 1;
            continue;
        }
        match codegen::automaton::compile(p) {
            Ok(t) => {
                auto += 1;
                rows.push((t.states(), p.clone()));
            }
            Err(e) => {
                fail += 1;
                if std::env::var("SHOWFAIL").is_ok() {
                    println!("FAIL {e}: {p}");
                }
            }
        }
    }
    rows.sort();
    let total: usize = rows.iter().map(|r| r.0).sum();
    println!(
        "distinct {} straight {straight} automaton {auto} failed {fail} total states {total}",
        pats.len()
    );
    for (n, p) in rows.iter().rev().take(40) {
        println!("{n:6} {p}");
    }
    let over: Vec<_> = rows.iter().filter(|r| r.0 > 100).collect();
    println!("automata over 100 states: {}", over.len());
}
