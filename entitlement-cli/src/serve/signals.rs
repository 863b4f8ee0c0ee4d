//! The signals the server answers: SIGTERM and SIGINT stop it, SIGHUP reloads. Elsewhere than
//! Unix, Ctrl-C stops it and the files are only polled (`--reload-interval`).

/// The stop signals (SIGTERM, SIGINT).
pub struct Stop {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

/// The reload signal (SIGHUP).
pub struct Reload {
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

/// Installs the handlers; call before the server listens, so that no signal is missed.
pub fn install() -> std::io::Result<(Stop, Reload)> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        Ok((
            Stop {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            },
            Reload {
                hangup: signal(SignalKind::hangup())?,
            },
        ))
    }
    #[cfg(not(unix))]
    {
        Ok((Stop {}, Reload {}))
    }
}

impl Stop {
    /// Waits for the next stop signal, and names it.
    pub async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

impl Reload {
    /// Waits for the next reload signal (never, elsewhere than Unix).
    pub async fn next(&mut self) {
        #[cfg(unix)]
        {
            self.hangup.recv().await;
        }
        #[cfg(not(unix))]
        {
            std::future::pending::<()>().await;
        }
    }
}
