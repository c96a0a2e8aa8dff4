fn main() {
    bindery_web::start();
}
