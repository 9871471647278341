fn main() { println!("{} {}", dyl::greet("usedyl"), dyl::panics_caught()); }
