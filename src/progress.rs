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
