//! The `souk` command line: parse arguments, load config, hand over to `souk::start` or `souk::cli`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use souk::cli;
use souk::config::Config;
use souk::domain::auth::Role;

#[derive(Parser)]
#[command(
    name = "souk",
    version,
    about = "A whole small shop in one binary: storefront, admin, scheduler and mail on one SQLite file."
)]
struct Cli {
    /// Config file (default: ./config.toml when it exists; every key is optional)
    #[arg(long, global = true, env = "SOUK_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the shop (the default)
    Serve,
    /// Print the effective configuration, secrets masked
    CheckConfig,
    /// Manage admin accounts
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Write a consistent copy of the database to FILE (safe while the server runs)
    Backup { file: PathBuf },
    /// Replace the database with FILE (the server must be stopped; the old database is kept aside)
    Restore { file: PathBuf },
    /// Check the database's integrity and the shop's invariants
    Doctor,
    /// Fill an empty shop with a demo catalogue (collections, products, variants, stock, photos);
    /// with --orders, add an order history to the catalogue
    Demo {
        /// Skip drawing product photos (faster)
        #[arg(long)]
        no_photos: bool,
        /// Instead of the 40-product demo, a large shop of this many products (no photos)
        #[arg(long, value_name = "N")]
        products: Option<usize>,
        /// With --products: variants (sizes) per product, 1 to 8
        #[arg(long, value_name = "M", default_value_t = 5)]
        variants: usize,
        /// Add this many orders of the last 90 days, in every status, with payments and timelines
        /// (after --products, or to the shop's existing catalogue)
        #[arg(long, value_name = "N")]
        orders: Option<usize>,
        /// With --orders: how many customers (WhatsApp numbers) place them (default: a fifth of the orders)
        #[arg(long, value_name = "M")]
        customers: Option<usize>,
        /// With --orders: every order pending and placed in the last day, a backlog to confirm
        #[arg(long)]
        backlog: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account (password from a prompt, or one line on stdin with --password-stdin)
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "owner", value_parser = ["owner", "staff"])]
        role: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password and sign the account out everywhere
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Turn two-factor sign-in off for an account whose phone is lost (it signs in with the
    /// password and can enrol again); its recovery codes stop working
    #[command(name = "reset-2fa")]
    Reset2fa {
        #[arg(long)]
        email: String,
    },
    /// Make an API token acting as this account; it is printed once, only its hash is kept
    Token {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["read", "write"])]
        scope: String,
        /// What will use it (shown in the admin and the audit log)
        #[arg(long, default_value = "Command line")]
        name: String,
    },
}

fn main() -> ExitCode {
    let args = Cli::parse();
    let path = args.config.or_else(|| Some(PathBuf::from("config.toml")).filter(|p| p.is_file()));
    let config = match Config::load(path.as_deref(), std::env::vars()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    cli::init_logging(&config.log.level);
    let result = match args.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            lean_heap();
            actix_web::rt::System::new().block_on(cli::serve(config))
        }
        Command::CheckConfig => {
            print!("{}", config.to_masked_toml());
            Ok(())
        }
        Command::Admin(AdminCommand::Create { email, role, name, password_stdin }) => {
            let role = Role::parse(&role).unwrap_or(Role::Owner);
            cli::admin_create(&config, &email, role, name.as_deref(), password_stdin)
        }
        Command::Admin(AdminCommand::ResetPassword { email, password_stdin }) => {
            cli::admin_reset_password(&config, &email, password_stdin)
        }
        Command::Admin(AdminCommand::Reset2fa { email }) => cli::admin_reset_2fa(&config, &email),
        Command::Admin(AdminCommand::Token { email, scope, name }) => cli::admin_token(&config, &email, &scope, &name),
        Command::Backup { file } => cli::backup(&config, &file),
        Command::Restore { file } => cli::restore(&config, &file),
        Command::Doctor => cli::doctor(&config),
        Command::Demo { no_photos, products, variants, orders, customers, backlog } => {
            let history = orders.map(|n| souk::demo::History {
                orders: n,
                customers: customers.unwrap_or(n / 5).max(1),
                backlog,
            });
            cli::demo(&config, !no_photos, products.map(|p| (p, variants)), history)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("souk: {e}");
            ExitCode::from(1)
        }
    }
}

/// Keeps the server's private memory near what it uses (BENCHMARKS.md, "Memory, size and cold
/// start"): glibc keeps what a burst of traffic freed in its arenas; a trim every ten seconds hands
/// the free pages back to the system. (Fewer arenas, `M_ARENA_MAX=2`, saved 1.5 MB and cost a
/// quarter of the product page's throughput, measured: not done.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn lean_heap() {
    let trim = || loop {
        std::thread::sleep(std::time::Duration::from_secs(10));
        // SAFETY: malloc_trim only hands free pages back to the system.
        unsafe {
            libc::malloc_trim(0);
        }
    };
    if let Err(e) = std::thread::Builder::new().name("heap-trim".into()).spawn(trim) {
        tracing::warn!("cannot start the heap trimmer: {e}");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn lean_heap() {}
