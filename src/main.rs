fn main() {
    println!("solder");
}
