//! Property test for `progress import`: any mutation of a real export either imports whole and
//! leaves a database every reader can use, or is refused with nothing written. Never a panic.
use gatewise::bank::{Bank, ContentSource};
use gatewise::store::{Db, ExamItemRow, Mode, NewAttempt};
use proptest::prelude::*;
use serde_json::{Value, json};

fn export() -> String {
    let mut db = Db::open_in_memory().expect("db");
    let items = vec![
        ExamItemRow { question_id: "ovw-001".into(), order: vec![3, 1, 0, 2], answer: Some(vec![1]), flagged: true },
        ExamItemRow { question_id: "ovw-002".into(), order: vec![0, 1, 2, 3], answer: None, flagged: false },
    ];
    db.create_exam("builtin", r#"{"label":"Quick","questions":2,"minutes":5,"topics":[]}"#, 7, &items, 10)
        .expect("exam");
    let ids = ["api-keys-authenticate".to_string()];
    for (i, q) in ["ovw-001", "ovw-002", "cch-001"].iter().enumerate() {
        db.record_attempt(&NewAttempt {
            bank: "builtin",
            question_id: q,
            choices: &[i],
            correct: i == 0,
            confidence: Some(2),
            seconds: 12.0,
            mode: Mode::Practice,
            session_id: None,
            exam_id: None,
            at: 1_000 + i as i64,
            misconceptions: if i == 1 { &ids } else { &[] },
        })
        .expect("attempt");
    }
    db.set_setting("retention", "0.9").expect("setting");
    db.export_json(99).expect("export")
}

fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(json!([1, 2])),
        Just(json!({"x": 1})),
        Just(Value::from("[0,0,0,0,0,0,0,0,0]")),
    ]
}

proptest! {
    // 64 cases in the suite; `PROPTEST_CASES=5000` for a longer campaign.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64), ..ProptestConfig::default() })]
    #[test]
    fn any_mutated_export_imports_whole_or_not_at_all(
        table in 0usize..9, row in 0usize..4, field in 0usize..12, value in odd_value(), drop_field in any::<bool>()
    ) {
        let mut v: Value = serde_json::from_str(&export()).expect("json");
        let tables = v["tables"].as_object_mut().expect("tables");
        let names: Vec<String> = tables.keys().cloned().collect();
        let name = &names[table % names.len()];
        if let Some(rows) = tables.get_mut(name).and_then(Value::as_array_mut)
            && !rows.is_empty()
        {
            let n = rows.len();
            let obj = rows[row % n].as_object_mut().expect("row");
            let keys: Vec<String> = obj.keys().cloned().collect();
            let key = keys[field % keys.len()].clone();
            if drop_field { obj.remove(&key); } else { obj.insert(key, value); }
        }
        let mut db = Db::open_in_memory().expect("db");
        match db.import_json(&v.to_string()) {
            Ok(_) => {
                prop_assert_eq!(db.integrity_check().expect("check"), "ok");
                // Every reader copes with what was accepted.
                let bank = Bank::load(&ContentSource::Embedded).expect("bank");
                let d = gatewise::progress::load_dashboard(&db, &bank, "builtin", &gatewise::study::scheduler::Fsrs::default(), 5_000);
                prop_assert!(d.is_ok(), "{:?}", d.err());
                if let Some(exam) = db.in_progress_exam("builtin").expect("read") {
                    let _ = gatewise::progress::resume_exam(&exam);
                }
            }
            Err(_) => prop_assert!(db.is_empty().expect("empty"), "a refused import wrote nothing"),
        }
    }
}
