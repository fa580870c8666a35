//! Parameter group families.

/// The family of a (cluster) parameter group, as AWS names them: MySQL families carry the
/// minor version (`aurora-mysql8.0`, `mysql8.4`), PostgreSQL ones the major (`postgres16`).
pub fn family_for(engine: &str, version: &str) -> String {
    let major: Vec<&str> = version.split('.').collect();
    match engine {
        "aurora-mysql" | "mysql" => format!(
            "{engine}{}.{}",
            major.first().unwrap_or(&"8"),
            major.get(1).unwrap_or(&"0")
        ),
        // oracle-ee-19, oracle-se2-cdb-19: the major version after a hyphen.
        e if e.starts_with("oracle-") => format!("{engine}-{}", major.first().unwrap_or(&"19")),
        _ => format!("{engine}{}", major.first().unwrap_or(&"")),
    }
}

#[cfg(test)]
mod tests {
    use super::family_for;

    #[test]
    fn families() {
        assert_eq!(
            family_for("aurora-mysql", "8.0.mysql_aurora.3.05.2"),
            "aurora-mysql8.0"
        );
        assert_eq!(
            family_for("aurora-postgresql", "16.4"),
            "aurora-postgresql16"
        );
        assert_eq!(family_for("mysql", "8.0.39"), "mysql8.0");
        assert_eq!(family_for("mysql", "8.4.3"), "mysql8.4");
        assert_eq!(
            family_for("oracle-ee-cdb", "19.0.0.0.ru-2024-01.rur-2024-01.r1"),
            "oracle-ee-cdb-19"
        );
    }
}
