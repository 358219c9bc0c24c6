//! `feed`: the reference stream server. Run `feed --help` for options.

use feed::cli::Cli;
use feed::Feed;

fn main() {
    let cli = match Cli::try_parse_args(std::env::args()) {
        Ok(cli) => cli,
        // Also `--help`: clap prints it and exits 0.
        Err(error) => error.exit(),
    };
    let (config, guards, options) = match cli.into_config() {
        Ok(parsed) => parsed,
        Err(why) => {
            eprintln!("feed: {why}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("feed: cannot start the runtime: {error}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async move {
        let serving = config.serve_dir.is_some();
        let base = config.base_path.clone();
        let feed = match Feed::start_full(config, guards, options).await {
            Ok(feed) => feed,
            Err(error) => {
                eprintln!("feed: cannot start: {error}");
                std::process::exit(1);
            }
        };
        println!("feed: stream on ws://{}/ws?project=<id>", feed.addr);
        if serving {
            println!("feed: dashboard on http://{}{base}", feed.addr);
        }
        let _ = tokio::signal::ctrl_c().await;
        feed.stop().await;
    });
}
