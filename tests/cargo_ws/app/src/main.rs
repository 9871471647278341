use clap::Parser;
#[derive(Parser, Debug)]
struct Args { #[arg(long, default_value_t = 3)] count: u32, #[arg(long)] name: Option<String> }
#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
struct Point { x: i32, y: i32, tags: Vec<String> }
#[derive(thiserror::Error, Debug)]
enum E { #[error("bad point {0}")] Bad(i32) }
fn main() {
    let a = Args::parse_from(["app", "--count", "5", "--name", "solder"]);
    let p = Point { x: 1, y: 2, tags: vec!["a".into()] };
    let s = serde_json::to_string(&p).unwrap();
    let q: Point = serde_json::from_str(&s).unwrap();
    println!("{a:?} {s} {} {}", q == p, E::Bad(3));
}
