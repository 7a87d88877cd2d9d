import Foundation
import Hummingbird
import NIOCore

// A bare Hummingbird route returning the bytes of a file from memory: the framework's ceiling on
// this machine, measured beside the registry in bench/run.sh.
//
//   agenthub-bench-bare FILE PORT
let arguments = CommandLine.arguments
guard arguments.count == 3, let data = FileManager.default.contents(atPath: arguments[1]), let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: agenthub-bench-bare FILE PORT\n".utf8))
    exit(2)
}
let body = ByteBuffer(bytes: data)
let router = Router()
router.get("bytes") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-bare"))
try await app.runService()
