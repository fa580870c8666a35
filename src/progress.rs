//! A one-line progress indicator on stderr, only when stderr is a terminal. It never writes
//! to stdout, and clears itself when dropped.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    /// Start showing `what` with a spinner and the elapsed seconds. Needs a Tokio runtime.
    pub fn start(what: String) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { task: None };
        }
        let task = tokio::spawn(async move {
            const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
            let started = Instant::now();
            let mut tick = tokio::time::interval(Duration::from_millis(120));
            for i in 0usize.. {
                tick.tick().await;
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\r\x1b[2K{} {what} ({}s)",
                    FRAMES[i % FRAMES.len()],
                    started.elapsed().as_secs()
                );
                let _ = err.flush();
            }
        });
        Progress { task: Some(task) }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// A bar of pairs done out of total, on stderr when it is a terminal (indicatif). Hidden
/// otherwise, so piped and CI output stays clean.
pub struct Bar(indicatif::ProgressBar);

impl Bar {
    pub fn new(what: &str) -> Bar {
        let bar = if std::io::stderr().is_terminal() {
            indicatif::ProgressBar::new(0)
        } else {
            indicatif::ProgressBar::hidden()
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {what} ({{elapsed}})"
        )) {
            bar.set_style(style);
        }
        Bar(bar)
    }

    /// `(done, total)`, as [`crate::run::OnProgress`] reports it.
    pub fn update(&self, done: usize, total: usize) {
        self.0.set_length(total as u64);
        self.0.set_position(done as u64);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
