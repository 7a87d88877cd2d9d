import HTTPTypes

extension HTTPField.Name {
    static let requestId = Self("X-Request-ID")!
    static let apiKey = Self("X-API-Key")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
