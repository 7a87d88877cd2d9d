import ArgumentParser
import Foundation
import Shared

/// `agenthub login`
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in with e-mail and password; creates an API key for this machine and stores it.",
        discussion: """
            The password is read from the terminal (or standard input when piped) and never stored.

            Examples:
              agenthub login
              agenthub login --email me@example.com < password.txt
            """
    )

    @Option(name: .long, help: "Your e-mail (asked for when not given).") var email: String?
    @OptionGroup var options: GlobalOptions

    struct Token: Decodable { let token: String }
    struct Key: Decodable { let apiKey: String }

    func run() async throws {
        try await runCommand(json: options.json) { context in
            let address: String
            if let email { address = email } else {
                FileHandle.standardError.write(Data("E-mail: ".utf8))
                address = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
            }
            let password: String
            if isatty(STDIN_FILENO) == 1 {
                password = String(cString: getpass("Password: "))
            } else {
                password = readLine(strippingNewline: true) ?? ""
            }
            guard !address.isEmpty, !password.isEmpty else { throw CLIError("an e-mail and a password are needed") }
            let anonymous = RegistryClient(baseURL: context.registryURL, apiKey: "")
            let (data, _) = try await anonymous.request("POST", "/api/v1/auth/login", body: try JSONSerialization.data(withJSONObject: ["email": address, "password": password]))
            let token = try anonymous.decode(Token.self, data).token
            let name = "agenthub-cli on \(ProcessInfo.processInfo.hostName)".prefix(64)
            let (keyData, _) = try await anonymous.request("POST", "/api/v1/users/me/api-keys", body: try JSONSerialization.data(withJSONObject: ["name": String(name)]), headers: ["Authorization": "Bearer \(token)"])
            let key = try anonymous.decode(Key.self, keyData).apiKey
            try context.config.set("registry.api_key", key)
            if context.environment["SKILLS_REGISTRY_URL"] == nil { try context.config.set("registry.url", context.registryURL) }
            try context.config.save(to: context.configFile)
            if context.json { try context.printJSON(["logged_in": address, "config": context.configFile.path]) }
            else { context.print("logged in as \(address); the API key is stored in \(context.configFile.path)") }
        }
    }
}
