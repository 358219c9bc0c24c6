//! Settings from `config.json` and the URL: each rule of the merge, the
//! `ws=` allow-list on parsed hosts, embedding that fails closed, and the
//! notice naming every ignored parameter.
#![cfg(not(target_arch = "wasm32"))]

use app::settings::{resolve, DeployConfig, Deployment, Page, Settings};

fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
    query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn summary(s: &Settings) -> String {
    format!(
        "url={} project={} demo={} flush={} idle={} theme={} hide={:?} kiosk={} parent={:?} warnings={:?}",
        s.link.ws_url,
        s.link.project,
        s.link.demo,
        s.link.flush_interval_millis,
        s.link.idle_limit_millis,
        s.theme.as_str(),
        s.hidden_panels,
        s.kiosk,
        s.parent_origin,
        s.warnings
    )
}

/// The page is `<protocol>//dash.example:8080/`.
fn check_with(deployment: &Deployment, query: &[(&str, &str)], protocol: &str, expected: &str) {
    let settings = resolve(deployment, &pairs(query), &Page::new(protocol, "dash.example:8080"));
    assert_eq!(summary(&settings), expected, "{query:?}");
}

fn check(query: &[(&str, &str)], protocol: &str, expected: &str) {
    check_with(&Deployment::from_config(&DeployConfig::default()), query, protocol, expected);
}

const DEFAULTS: &str = "project=default demo=false flush=250 idle=15000 theme=auto hide=[] kiosk=false parent=None";

#[test]
fn settings_from_the_url() {
    check(&[], "http:", &format!("url=ws://dash.example:8080/ws {DEFAULTS} warnings=[]"));
    check(&[], "https:", &format!("url=wss://dash.example:8080/ws {DEFAULTS} warnings=[]"));
    check(
        &[
            ("ws", "wss://dash.example/stream"),
            ("project", "p1"),
            ("demo", ""),
            ("flush", "100"),
            ("idle", "60000"),
            ("theme", "dark"),
            ("hide", "charts, logs"),
            ("kiosk", "1"),
        ],
        "https:",
        r#"url=wss://dash.example/stream project=p1 demo=true flush=100 idle=60000 theme=dark hide=["logs", "charts"] kiosk=true parent=None warnings=[]"#,
    );
    check(
        &[("ws", "ws://dash.example/ws"), ("flush", "0"), ("theme", "pink"), ("hide", "bogus")],
        "https:",
        &format!(
            "url=wss://dash.example:8080/ws {DEFAULTS} warnings={:?}",
            [
                "ws=ws://dash.example/ws: an https page may only connect with wss:",
                "flush=0 is not a number of milliseconds in 16..=10000",
                "theme=pink is not auto, light or dark",
                "hide: unknown panel \"bogus\"",
            ]
        ),
    );
}

/// One number parameter against its bounds (from shared::limits).
fn check_millis(key: &str, value: &str, expected: Result<u32, &str>) {
    let settings =
        resolve(&Deployment::from_config(&DeployConfig::default()), &pairs(&[(key, value)]), &Page::new("http:", "h"));
    let actual = if key == "flush" { settings.link.flush_interval_millis } else { settings.link.idle_limit_millis };
    match expected {
        Ok(millis) => assert_eq!((actual, settings.warnings.len()), (millis, 0), "{key}={value}"),
        Err(warning) => assert_eq!(settings.warnings, [warning], "{key}={value}"),
    }
}

#[test]
fn flush_and_idle_are_bounded_both_ways() {
    check_millis("flush", "16", Ok(16));
    check_millis("flush", "10000", Ok(10_000));
    check_millis("flush", "15", Err("flush=15 is not a number of milliseconds in 16..=10000"));
    check_millis("flush", "10001", Err("flush=10001 is not a number of milliseconds in 16..=10000"));
    check_millis("flush", "fast", Err("flush=fast is not a number of milliseconds in 16..=10000"));
    check_millis("idle", "1000", Ok(1000));
    check_millis("idle", "3600000", Ok(3_600_000));
    check_millis("idle", "999", Err("idle=999 is not a number of milliseconds in 1000..=3600000"));
    check_millis("idle", "3600001", Err("idle=3600001 is not a number of milliseconds in 1000..=3600000"));
    check_millis("idle", "-5", Err("idle=-5 is not a number of milliseconds in 1000..=3600000"));
}

#[test]
fn switches_say_on_or_off() {
    let demo = |value: &str| {
        let settings = resolve(
            &Deployment::from_config(&DeployConfig::default()),
            &pairs(&[("demo", value)]),
            &Page::new("http:", "h"),
        );
        (settings.link.demo, settings.warnings)
    };
    for on in ["", "1", "true", "yes", "on", "TRUE"] {
        assert_eq!(demo(on), (true, vec![]), "demo={on}");
    }
    for off in ["0", "false", "no", "off", "Off"] {
        assert_eq!(demo(off), (false, vec![]), "demo={off}");
    }
    let maybe = "demo=maybe is not on or off (1/0, true/false, yes/no, on/off)".to_owned();
    assert_eq!(demo("maybe"), (false, vec![maybe]));
}

#[test]
fn unknown_and_empty_parameters_are_named() {
    check(
        &[("projekt", "p1"), ("project", ""), ("theme", ""), ("utm_source", ""), ("ws", ""), ("hide", "")],
        "http:",
        &format!(
            "url=ws://dash.example:8080/ws {DEFAULTS} warnings={:?}",
            [
                "unknown parameter \"projekt\"",
                "project is empty",
                "theme is empty",
                "unknown parameter \"utm_source\"",
                "ws is empty",
                "hide is empty",
            ]
        ),
    );
}

#[test]
fn the_url_only_narrows_the_deployment() {
    let config = DeployConfig {
        ws: Some("wss://feed.example/ws".into()),
        project: Some("prod".into()),
        theme: Some("dark".into()),
        flush: Some(500),
        idle: Some(30_000),
        hide: vec!["diagnostics".into()],
        kiosk: Some(true),
        allowed_ws_origins: vec!["wss://feed2.example".into()],
        allowed_parent_origins: vec!["https://portal.example".into()],
        ..DeployConfig::default()
    };
    let deployment = Deployment::from_config(&config);
    check_with(
        &deployment,
        &[],
        "https:",
        r#"url=wss://feed.example/ws project=prod demo=false flush=500 idle=30000 theme=dark hide=["diagnostics"] kiosk=true parent=None warnings=[]"#,
    );
    check_with(
        &deployment,
        &[
            ("ws", "wss://feed2.example/ws"),
            ("project", "p2"),
            ("flush", "100"),
            ("theme", "light"),
            ("hide", "charts,diagnostics"),
            ("kiosk", "0"),
            ("parentOrigin", "https://portal.example/"),
        ],
        "https:",
        r#"url=wss://feed2.example/ws project=p2 demo=false flush=100 idle=30000 theme=light hide=["charts", "diagnostics"] kiosk=true parent=Some("https://portal.example") warnings=["kiosk=off: this deployment is a kiosk"]"#,
    );
}

#[test]
fn config_json_values_are_checked_like_the_urls() {
    let config = DeployConfig {
        ws: Some("ws://feed.example/ws".into()),
        project: Some(String::new()),
        theme: Some("pink".into()),
        flush: Some(5),
        idle: Some(7_200_000),
        hide: vec!["charts".into(), "sidebar".into()],
        allowed_ws_origins: vec!["wss://feed2.example/ws".into(), "feed3.example".into()],
        ..DeployConfig::default()
    };
    check_with(
        &Deployment::from_config(&config),
        &[("ws", "wss://feed2.example/ws")],
        "https:",
        &format!(
            "url=wss://dash.example:8080/ws project=default demo=false flush=250 idle=15000 theme=auto hide=[\"charts\"] kiosk=false parent=None warnings={:?}",
            [
                "config.json: project is empty",
                "config.json: theme=pink is not auto, light or dark",
                "config.json: flush=5 is not a number of milliseconds in 16..=10000",
                "config.json: idle=7200000 is not a number of milliseconds in 1000..=3600000",
                "config.json: hide: unknown panel \"sidebar\"",
                "config.json: allowedWsOrigins: wss://feed2.example/ws has \"/ws\" after its host; an origin has no path",
                "config.json: allowedWsOrigins: feed3.example is not an absolute URL (scheme://host)",
                "ws=wss://feed2.example/ws is not allowed by this deployment (allowedWsOrigins in config.json)",
                "config.json: ws=ws://feed.example/ws: an https page may only connect with wss:",
            ]
        ),
    );
}

/// `config.json` through the same serde derive the page uses (there with
/// serde-wasm-bindgen on the browser's parse; JSON text here).
fn parse_config(text: &str) -> Result<DeployConfig, String> {
    serde_json::from_str(text).map_err(|error| error.to_string())
}

#[test]
fn config_json_is_read_strictly() {
    assert_eq!(parse_config("{}"), Ok(DeployConfig::default()));
    let config = parse_config(r#"{"project":"p","allowedWsOrigins":["wss://a.example"]}"#).unwrap();
    assert_eq!(config.allowed_ws_origins, ["wss://a.example"]);
    assert!(parse_config(r#"{"projekt":"typo"}"#).unwrap_err().contains("unknown field"));
    assert!(parse_config(r#"{"idle":-1}"#).is_err());
    assert!(parse_config("null").is_err() && parse_config(r#""p""#).is_err());
}

/// The page names unknown fields itself (serde-wasm-bindgen never sees
/// them): the names it knows are exactly the ones the derive reads.
#[test]
fn config_fields_are_the_ones_the_derive_reads() {
    let fields = app::settings::config_fields();
    for name in [
        "ws",
        "project",
        "theme",
        "flush",
        "idle",
        "hide",
        "demo",
        "kiosk",
        "allowedWsOrigins",
        "historyMinutes",
        "historyMiB",
    ] {
        assert!(fields.contains(&name), "{name} in {fields:?}");
    }
    // Every listed name is one serde_json accepts (no "unknown field").
    for name in fields {
        let error = parse_config(&format!(r#"{{"{name}": {{}}}}"#)).unwrap_err();
        assert!(!error.contains("unknown field"), "{name}: {error}");
    }
    assert!(parse_config(r#"{"projekt": {}}"#).unwrap_err().contains("unknown field"));
    assert_eq!(app::settings::unknown_fields(["project", "idle"].into_iter()), None);
    let why = app::settings::unknown_fields(["project", "projekt", "x"].into_iter()).expect("two unknown");
    assert!(why.starts_with("config.json: unknown field `projekt`, `x` (known: ws, project,"), "{why}");
}

/// (filter, focus, warnings) from the URL's find parameters.
fn find_params(query: &[(&str, &str)]) -> String {
    let settings = resolve(&Deployment::from_config(&DeployConfig::default()), &pairs(query), &Page::new("http:", "h"));
    let focus = settings.focus.map(|focus| format!("{}@{}", focus.node_id, focus.hops));
    format!("q={:?} focus={focus:?} warnings={:?}", settings.filter, settings.warnings)
}

/// (node sort, edge sort, warnings) from the URL.
fn sort_params(query: &[(&str, &str)]) -> String {
    let settings = resolve(&Deployment::from_config(&DeployConfig::default()), &pairs(query), &Page::new("http:", "h"));
    format!("{:?} {:?} warnings={:?}", settings.node_sort, settings.edge_sort, settings.warnings)
}

#[test]
fn the_tables_sorts_come_from_the_url() {
    let check = |query: &[(&str, &str)], expected: &str| assert_eq!(sort_params(query), expected, "{query:?}");
    check(&[], "Id Route warnings=[]");
    check(&[("nodeSort", "status"), ("edgeSort", "errors")], "Status Errors warnings=[]");
    check(&[("edgeSort", "throughput")], "Id Throughput warnings=[]");
    check(
        &[("nodeSort", "worst"), ("edgeSort", "Errors")],
        r#"Id Route warnings=["nodeSort=worst is not one of id, label, kind, status", "edgeSort=Errors is not one of route, errors, latency, throughput"]"#,
    );
    check(&[("edgeSort", "")], r#"Id Route warnings=["edgeSort is empty"]"#);
}

/// What the topology groups by, and the warnings, from the URL.
fn group_param(query: &[(&str, &str)]) -> String {
    let settings = resolve(&Deployment::from_config(&DeployConfig::default()), &pairs(query), &Page::new("http:", "h"));
    format!("{:?} warnings={:?}", settings.group_by, settings.warnings)
}

#[test]
fn the_grouping_comes_from_the_url() {
    let check = |query: &[(&str, &str)], expected: &str| assert_eq!(group_param(query), expected, "{query:?}");
    check(&[], "Kind warnings=[]");
    check(&[("groupBy", "kind")], "Kind warnings=[]");
    check(&[("groupBy", "meta:region")], r#"Meta("region") warnings=[]"#);
    check(&[("groupBy", "meta:rack row")], r#"Meta("rack row") warnings=[]"#);
    check(
        &[("groupBy", "region")],
        r#"Kind warnings=["groupBy=region is not kind or meta:<a key of at most 1024 bytes>"]"#,
    );
    check(
        &[("groupBy", "Kind")],
        r#"Kind warnings=["groupBy=Kind is not kind or meta:<a key of at most 1024 bytes>"]"#,
    );
    check(&[("groupBy", "")], r#"Kind warnings=["groupBy is empty"]"#);
    let long = format!("meta:{}", "k".repeat(1025));
    assert!(group_param(&[("groupBy", &long)]).starts_with(r#"Kind warnings=["groupBy=meta:kkk"#));
    let longest = format!("meta:{}", "k".repeat(1024));
    assert_eq!(group_param(&[("groupBy", &longest)]), format!(r#"Meta("{}") warnings=[]"#, "k".repeat(1024)));
}

#[test]
fn the_filter_and_the_focus_come_from_the_url() {
    let check = |query: &[(&str, &str)], expected: &str| assert_eq!(find_params(query), expected, "{query:?}");
    check(&[], r#"q="" focus=None warnings=[]"#);
    check(
        &[("q", "kind:api status:error,degraded errors>5%"), ("focus", "api 7"), ("hops", "3")],
        r#"q="kind:api status:error,degraded errors>5%" focus=Some("api 7@3") warnings=[]"#,
    );
    check(&[("focus", "n1")], r#"q="" focus=Some("n1@1") warnings=[]"#);
    // A filter that does not parse is named with the parser's words and where.
    check(
        &[("q", "kind:api status:")],
        r#"q="" focus=None warnings=["q=kind:api status:: status: needs a value, as in status:value (several: status:a,b) (at character 10)"]"#,
    );
    check(
        &[("focus", "n1"), ("hops", "4")],
        r#"q="" focus=Some("n1@1") warnings=["hops=4 is not a number of hops from 1 to 3"]"#,
    );
    check(&[("hops", "2")], r#"q="" focus=None warnings=["hops=2 without focus=<node id>: ignored"]"#);
    check(&[("q", ""), ("focus", "")], r#"q="" focus=None warnings=["q is empty", "focus is empty"]"#);
    let long = "n".repeat(1025);
    check(&[("focus", long.as_str())], r#"q="" focus=None warnings=["focus is longer than 1024 bytes"]"#);
}

#[test]
fn the_history_budget_is_the_deployments_and_the_url_may_only_lower_it() {
    /// config.json, URL pairs, (minutes, MiB), warnings.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], (u64, u64), &'a [&'a str]);
    let cases: &[Case] = &[
        ("{}", &[], (15, 64), &[]),
        (r#"{"historyMinutes": 5, "historyMiB": 16}"#, &[], (5, 16), &[]),
        ("{}", &[("historyMinutes", "3"), ("historyMiB", "8")], (3, 8), &[]),
        ("{}", &[("historyMiB", "0")], (15, 0), &[]),
        (
            r#"{"historyMinutes": 10, "historyMiB": 16}"#,
            &[("historyMinutes", "60"), ("historyMiB", "100")],
            (10, 16),
            &[
                "historyMinutes=60: this deployment keeps at most 10 minutes",
                "historyMiB=100: this deployment allows at most 16 MiB",
            ],
        ),
        ("{}", &[("historyMinutes", "0")], (15, 64), &["historyMinutes=0 is not a number of minutes in 1..=360"]),
        ("{}", &[("historyMiB", "lots")], (15, 64), &["historyMiB=lots is not a whole number"]),
        (
            r#"{"historyMiB": 5000}"#,
            &[],
            (15, 64),
            &["config.json: historyMiB=5000 is not a number of MiB in 0..=1024"],
        ),
    ];
    for (config, query, (minutes, mib), warnings) in cases {
        let config = parse_config(config).expect("a config");
        let settings = resolve(&Deployment::from_config(&config), &pairs(query), &Page::new("http:", "h"));
        let budget = settings.link.history;
        assert_eq!((budget.max_age_millis, budget.max_bytes), (minutes * 60_000, mib << 20), "{config:?} {query:?}");
        assert_eq!(settings.warnings, *warnings, "{config:?} {query:?}");
    }
}
