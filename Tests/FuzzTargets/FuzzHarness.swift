/// One fuzz target: takes any bytes and checks what must hold for them.
///
/// A harness never crashes on purpose: it throws ``FuzzViolation`` when a property
/// fails, so the regression tests can report it. The fuzzing driver turns a violation
/// into a crash, which is how libFuzzer learns of it.
package protocol FuzzHarness: AnyObject {
    /// Feeds `input` to the code under test and checks the outcome.
    func run(_ input: [UInt8]) throws(FuzzViolation)
}
