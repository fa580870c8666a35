//! The exit-code threshold: which findings fail the run.

use serde::Deserialize;

use crate::model::{Finding, Status, Summary};

/// `--fail-on`: the lowest finding level that makes the run exit 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    /// Failures (and unverified checks) fail the run; warnings do not. The default.
    #[default]
    Error,
    /// Warnings fail the run too.
    Warning,
    /// Never exit 1 (report only); tool errors still exit 2.
    Never,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gate {
    pub fail_on: FailOn,
    /// Unverified (`error`) findings do not fail the run.
    pub allow_unverified: bool,
}

impl Gate {
    /// Does a finding with this status (not suppressed) fail the run?
    pub fn status_fails(&self, status: Status) -> bool {
        match (self.fail_on, status) {
            (FailOn::Never, _) => false,
            (_, Status::Fail) => true,
            (_, Status::Error) => !self.allow_unverified,
            (FailOn::Warning, Status::Warn) => true,
            _ => false,
        }
    }

    /// The gate a report's content follows: `--fail-on never` only silences the exit code,
    /// so failures still read as failures in JUnit, SARIF and annotations.
    pub fn content(&self) -> Gate {
        Gate {
            fail_on: match self.fail_on {
                FailOn::Never => FailOn::Error,
                other => other,
            },
            ..*self
        }
    }

    pub fn finding_fails(&self, f: &Finding) -> bool {
        f.suppressed.is_none() && self.status_fails(f.status)
    }

    pub fn fails(&self, s: &Summary) -> bool {
        [Status::Fail, Status::Error, Status::Warn]
            .into_iter()
            .any(|st| s.get(st) > 0 && self.status_fails(st))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(fail: usize, warn: usize, error: usize) -> Summary {
        Summary {
            fail,
            warn,
            error,
            ..Default::default()
        }
    }

    #[test]
    fn thresholds() {
        let g = Gate::default();
        assert!(g.fails(&summary(1, 0, 0)));
        assert!(g.fails(&summary(0, 0, 1)));
        assert!(!g.fails(&summary(0, 3, 0)));
        let w = Gate {
            fail_on: FailOn::Warning,
            ..g
        };
        assert!(w.fails(&summary(0, 1, 0)));
        let n = Gate {
            fail_on: FailOn::Never,
            ..g
        };
        assert!(!n.fails(&summary(5, 5, 5)));
        let u = Gate {
            allow_unverified: true,
            ..g
        };
        assert!(!u.fails(&summary(0, 0, 4)));
        assert!(u.fails(&summary(1, 0, 4)));
    }
}
