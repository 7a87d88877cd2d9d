// The floor under every CLI row of bench/run.sh: a Swift program linked like `agenthub`
// (runtime and Foundation static) that reads its environment and prints one line. What it
// takes in a run says how fast the machine starts a process at that moment.
import Foundation

print("floor \(ProcessInfo.processInfo.environment["HOME"] ?? "") \(Date().timeIntervalSince1970 > 0)")
