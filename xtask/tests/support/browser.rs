//! A ChromeDriver process and one headless Chromium session on it, with a
//! profile of its own that is removed with it.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

use super::{free_port, TestResult};

/// The session; its profile goes with it (one left behind holds a few MB,
/// and its cache would serve a later session on the same port).
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    pub async fn open(width: u32, height: u32) -> Browser {
        let port = free_port();
        let driver_path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let mut driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (install Debian's chromium-driver)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let _ = driver.kill();
                panic!("chromedriver did not listen on {port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = std::env::temp_dir().join(format!("meshview-e2e-{port}"));
        let _ = std::fs::remove_dir_all(&profile);
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()), format!("--window-size={width},{height}"),
            ],
        });
        // For profiling by hand, e.g. `--js-flags=--prof` (a V8 log per
        // isolate, workers included, for `node --prof-process`) or
        // `--trace-startup=...`: extra Chromium flags, space-separated.
        if let Ok(extra) = std::env::var("MESHVIEW_CHROMIUM_ARGS") {
            if let Some(args) = options.get_mut("args").and_then(Value::as_array_mut) {
                args.extend(extra.split_whitespace().map(|a| json!(a)));
            }
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = match ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => client,
            Err(error) => {
                let _ = driver.kill();
                let _ = std::fs::remove_dir_all(&profile);
                panic!("cannot start a Chromium session: {error}");
            }
        };
        Browser { client, driver, profile }
    }

    /// Ends the session, then the driver and the profile (on drop).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Runs `body`, then always closes the session and the driver; panics
    /// with the body's error afterwards.
    pub async fn run<F, Fut>(width: u32, height: u32, body: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = TestResult>,
    {
        let browser = Browser::open(width, height).await;
        let result = body(browser.client.clone()).await;
        browser.close().await;
        if let Err(why) = result {
            panic!("{why}");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
