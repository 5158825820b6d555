//! A network link that a test can cut: a TCP relay on a free port to a target port. `cut` drops
//! every connection through it and refuses new ones until `restore`, as a building's uplink that
//! goes down does (the processes on both sides keep running).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct Link {
    pub port: u16,
    down: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
    relay: tokio::task::JoinHandle<()>,
}

impl Link {
    /// A link from a free port to `127.0.0.1:{target}`, up.
    pub async fn to(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let (cuts, _) = watch::channel(0u64);
        let relay = tokio::spawn(relay(listener, target, down.clone(), cuts.clone()));
        Self { port, down, cuts, relay }
    }

    /// Drops every connection through the link and refuses new ones.
    pub fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }

    pub fn is_cut(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.relay.abort();
        self.cut();
    }
}

async fn relay(listener: TcpListener, target: u16, down: Arc<AtomicBool>, cuts: watch::Sender<u64>) {
    loop {
        let Ok((inbound, _)) = listener.accept().await else { continue };
        if down.load(Ordering::SeqCst) {
            continue; // dropped: the connection is refused
        }
        let mut cut = cuts.subscribe();
        tokio::spawn(async move {
            let Ok(outbound) = TcpStream::connect(("127.0.0.1", target)).await else { return };
            let (mut a, mut b) = (inbound, outbound);
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut a, &mut b) => {}
                _ = cut.changed() => {}
            }
        });
    }
}
