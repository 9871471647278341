pub fn greet(n: &str) -> String { format!("hello {n} from a dylib") }
pub fn panics_caught() -> bool { std::panic::catch_unwind(|| panic!("inside the dylib")).is_err() }
