// opossum-fuzz: the driver of Opossum's fuzz targets.
//
//   opossum-fuzz TARGET [libFuzzer options] [CORPUS DIRECTORY...]
//       built by Scripts/fuzz.sh with -sanitize=fuzzer,address: fuzzes TARGET.
//   opossum-fuzz TARGET FILE...
//       a plain build: runs each file through TARGET's harness once, as the
//       regression tests do, and reports what fails.
//   opossum-fuzz seeds DIRECTORY
//       a plain build: writes the seed corpora (Fixtures/fuzz/ holds them).

import Foundation
import OpossumFuzzTargets

#if OPOSSUM_FUZZING
import CLibFuzzer
#endif

/// The harness libFuzzer's callback feeds; set once, before fuzzing starts.
nonisolated(unsafe) var harness: (any FuzzHarness)?

/// libFuzzer's callback: a violation becomes a crash, which is what libFuzzer detects.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try harness!.run(input)
    } catch {
        fatalError("fuzz violation: \(error)")
    }
    return 0
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("opossum-fuzz: \(message)\n".utf8))
    exit(64)
}

let targetNames = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
var arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    fail("usage: opossum-fuzz TARGET [options] [CORPUS...] | opossum-fuzz seeds DIRECTORY; targets: \(targetNames)")
}

#if OPOSSUM_FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(data, size)
}

// libFuzzer reads its own options; the target's name is not one of them. It goes to
// the environment instead, where the processes libFuzzer starts itself (to merge a
// corpus, say, with the same options) find it.
let target: FuzzTarget
if let named = FuzzTarget(rawValue: arguments[1]) {
    target = named
    arguments.remove(at: 1)
    setenv("OPOSSUM_FUZZ_TARGET", named.rawValue, 1)
} else if let inherited = ProcessInfo.processInfo.environment["OPOSSUM_FUZZ_TARGET"].flatMap(FuzzTarget.init) {
    target = inherited
} else {
    fail("no fuzz target \(arguments[1]); targets: \(targetNames)")
}
do {
    harness = try target.makeHarness()
} catch {
    fail("cannot set up \(target.rawValue): \(error)")
}
var cArguments = arguments.map { strdup($0) }
var argumentCount = CInt(cArguments.count)
cArguments.append(nil)
exit(
    cArguments.withUnsafeMutableBufferPointer { buffer in
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return LLVMFuzzerRunDriver(&argumentCount, &argv, { fuzzOne($0, $1) })
    }
)
#else
if arguments[1] == "seeds" {
    guard arguments.count == 3 else { fail("usage: opossum-fuzz seeds DIRECTORY") }
    let directory = arguments[2]
    do {
        try blocking { try await FuzzSeeds.write(to: directory) }
    } catch {
        fail("cannot write the seeds: \(error)")
    }
    exit(0)
}
guard let target = FuzzTarget(rawValue: arguments[1]) else {
    fail("no fuzz target \(arguments[1]); targets: \(targetNames)")
}
let files = arguments.dropFirst(2).flatMap { path -> [String] in
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
        return [path]
    }
    return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
}
/// Runs each file through `target`'s harness and returns how many failed. The harness
/// lives only as long as the call, so its scratch directory goes with it.
func replay(_ files: [String], through target: FuzzTarget) -> Int {
    let replayer: any FuzzHarness
    do {
        replayer = try target.makeHarness()
    } catch {
        fail("cannot set up \(target.rawValue): \(error)")
    }
    var violations = 0
    for file in files {
        guard let bytes = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
        do {
            try replayer.run(Array(bytes))
        } catch {
            violations += 1
            print("\(file): \(error)")
        }
    }
    return violations
}
let violations = replay(files, through: target)
print("\(files.count) inputs through \(target.rawValue), \(violations) violations")
exit(violations == 0 ? 0 : 1)
#endif
