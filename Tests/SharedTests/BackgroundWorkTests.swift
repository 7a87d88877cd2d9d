import Foundation
import Shared
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Background work")
struct BackgroundWorkTests {
    struct Refused: Error, Equatable {}

    @Test("jobs run off the cooperative pool at a lower priority (nice 10); answers and errors come back to each caller")
    func runs() async throws {
        let answers = await withTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<200 {
                group.addTask { (index, await BackgroundWork.shared.run { index * index }) }
            }
            return await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200 && answers.allSatisfy { $0.value == $0.key * $0.key })
        await #expect(throws: Refused.self) { try await BackgroundWork.shared.run { () throws -> Int in throw Refused() } }
        #if canImport(Glibc)
        let nice = await BackgroundWork.shared.run { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        #expect(nice == 10)
        #endif
    }
}
