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
    }
}
