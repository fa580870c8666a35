//! Every snapshot version this one reads loads into the current model, and writes back the
//! same document: the source became a sum of kinds (schema version 3) without changing how an
//! RDS source is written.

use std::path::{Path, PathBuf};

use zetl_preflight::model::{Snapshot, SourceShape, SNAPSHOT_SCHEMA_VERSION};
use zetl_preflight::run::check::load_snapshot;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() > 40, "fixtures missing: {files:?}");
    files
}

#[test]
fn every_fixture_loads_and_writes_back_unchanged() {
    let mut versions = std::collections::BTreeSet::new();
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        versions.insert(original["schema_version"].as_u64().unwrap());
        let snap = load_snapshot(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let written = serde_json::to_value(&snap).unwrap();
        // The source is written as it was read (the rest of the snapshot did not change;
        // its numbers may come back as floats).
        assert!(
            written["source"] == original["source"],
            "{}: the source is written differently",
            path.display()
        );
        // And what was written reads back as the same snapshot.
        let again: Snapshot = serde_json::from_value(written).unwrap();
        assert_eq!(again, snap, "{}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        let shape = snap.source.shape();
        if name.contains("dynamodb") {
            assert_eq!(shape, SourceShape::DynamodbTable, "{name}");
            assert!(snap.source.table().is_some() && snap.source.rds().is_none());
        } else {
            assert!(shape.is_rds(), "{name}: {shape}");
            assert!(snap.source.rds().is_some() && snap.source.table().is_none());
        }
    }
    // The fixtures hold the old versions, so each is proven to load.
    assert!(
        versions.contains(&1) && versions.contains(&2),
        "{versions:?}"
    );
    assert_eq!(SNAPSHOT_SCHEMA_VERSION, 3);
}

/// The kind is told by the fields: a source with both a cluster and a table, or with a
/// field of the other kind, is refused with the field named.
#[test]
fn a_source_of_two_kinds_is_refused_with_the_field_named() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rds-mysql-ok.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let cases = [
        (
            "table",
            serde_json::json!({"TableName": "t", "TableArn": "arn:aws:dynamodb:us-east-1:111122223333:table/t", "TableStatus": "ACTIVE"}),
            "not both",
        ),
        (
            "table_policy",
            serde_json::json!({"ok": null}),
            "`table_policy` is a DynamoDB table's field",
        ),
    ];
    for (field, value, says) in cases {
        let mut d = doc.clone();
        d["source"][field] = value;
        let err = serde_json::from_value::<Snapshot>(d)
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{field}: {err}");
    }
    doc["source"].as_object_mut().unwrap().remove("cluster");
    let err = serde_json::from_value::<Snapshot>(doc)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `cluster`"), "{err}");
}

/// An RDS DB instance is its own kind: no cluster stands in for it, and what older versions
/// kept only in the one-member `cluster` (endpoint, master user) is the instance's now; it
/// is written back as they wrote it.
#[test]
fn a_db_instance_is_not_a_cluster() {
    use zetl_preflight::model::RdsResource;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rds-mysql-ok.json");
    let snap = load_snapshot(&path).unwrap();
    let rds = snap.source.rds().unwrap();
    assert!(rds.cluster().is_none());
    let RdsResource::Instance(i) = &rds.resource else {
        panic!("{:?}", rds.resource)
    };
    assert_eq!(
        i.endpoint.as_deref(),
        Some("billing-mysql.abc123.us-east-1.rds.amazonaws.com")
    );
    assert_eq!(i.port, Some(3306));
    assert_eq!(
        rds.writer().map(|w| (w.id, w.apply_status)),
        Some(("billing-mysql", Some("in-sync")))
    );
    let aurora = load_snapshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mysql-provisioned-ok.json"),
    )
    .unwrap();
    assert!(matches!(
        aurora.source.rds().unwrap().resource,
        RdsResource::AuroraCluster(_)
    ));
    let multi_az = load_snapshot(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rds-mysql-multi-az-ok.json"),
    )
    .unwrap();
    assert!(matches!(
        multi_az.source.rds().unwrap().resource,
        RdsResource::MultiAzCluster(_)
    ));
}
