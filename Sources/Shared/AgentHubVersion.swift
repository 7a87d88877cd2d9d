/// The version of this AgentHub build, reported by `agenthub --version` and `agenthub-server --version`.
public enum AgentHubVersion {
    public static let current = "0.1.0"
}
