//! `server generate --years N --seed N [--scale F] [--force]`: fills the configured database
//! with a programme's years of made-up data (see `app::demo::generate`), then prints what it
//! wrote, how long it took and the database's size on disk.

use std::time::Instant;

use app::demo::generate::{self, Plan};

use crate::Config;

pub const USAGE: &str = "usage: server generate [--years N (10)] [--seed N (1)] [--scale F (1.0)] [--force]\n";

/// The plan and `--force` from the arguments after `generate`.
pub fn parse(args: &[String]) -> Result<(Plan, bool), String> {
    let mut plan = Plan { years: 10, seed: 1, scale: 1.0 };
    let mut force = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--years" => plan.years = value("--years")?.parse().map_err(|_| "--years: a whole number".to_string())?,
            "--seed" => plan.seed = value("--seed")?.parse().map_err(|_| "--seed: a whole number".to_string())?,
            "--scale" => {
                plan.scale = value("--scale")?.parse().map_err(|_| "--scale: a number like 0.01".to_string())?;
            }
            "--force" => force = true,
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    if plan.years == 0 || plan.years > 50 || !(plan.scale > 0.0 && plan.scale <= 10.0) {
        return Err("--years must be 1 to 50 and --scale more than 0 and at most 10".into());
    }
    Ok((plan, force))
}

pub async fn run(config: &Config, plan: Plan, force: bool) -> Result<(), String> {
    let started = Instant::now();
    // The generator writes the demo itself, first, into an empty database.
    let config = Config { demo: false, ..config.clone() };
    let state = crate::start_database(&config).await?;
    let progress = |line: &str| eprintln!("[{:>6.1} s] {line}", started.elapsed().as_secs_f64());
    progress(&format!("generating {} years, seed {}, scale {}", plan.years, plan.seed, plan.scale));
    let written = generate::run(&state, plan, force, &progress).await.map_err(|e| format!("generate: {e}"))?;
    let total: u64 = written.values().sum();
    for (table, n) in &written {
        println!("{table:<22} {n:>9}");
    }
    println!("{:<22} {total:>9} rows in {:.1} s", "total", started.elapsed().as_secs_f64());
    drop(state);
    if let Some(path) = config.db_endpoint.strip_prefix("surrealkv://") {
        println!("database on disk: {:.1} MB ({path})", size_of(std::path::Path::new(path)) as f64 / 1e6);
    }
    println!("files: {:.1} MB ({})", size_of(&config.files_dir) as f64 / 1e6, config.files_dir.display());
    Ok(())
}

/// Bytes under `path` (a file or a directory tree).
pub fn size_of(path: &std::path::Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            std::fs::read_dir(path).map(|entries| entries.flatten().map(|e| size_of(&e.path())).sum()).unwrap_or(0)
        }
        Ok(meta) => meta.len(),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_the_plan_and_refuses_nonsense() {
        assert_eq!(parse(&args("")).unwrap(), (Plan { years: 10, seed: 1, scale: 1.0 }, false));
        let (plan, force) = parse(&args("--years 2 --seed 7 --scale 0.01 --force")).unwrap();
        assert_eq!((plan.years, plan.seed, plan.scale, force), (2, 7, 0.01, true));
        for bad in ["--years", "--years ten", "--scale 0", "--scale -1", "--sede 3", "--years 0"] {
            assert!(parse(&args(bad)).is_err(), "{bad}");
        }
    }
}
