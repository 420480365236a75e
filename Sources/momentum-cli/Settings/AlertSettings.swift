// The alert rules and destinations of momentum.json (`alerts`, `alert_destinations`), and the
// destinations' secrets, which never live in the file: a webhook's URL and signing secret come
// from environment variables (MOMENTUM_ALERT_<NAME>_URL and _SECRET by default), or on AWS from
// the `alerts` field of the deployment's secret; an SNS topic is `topic_arn` or
// MOMENTUM_ALERTS_TOPIC_ARN. Messages name the variable or field, never its value.

import Foundation
import LakeKit
import MomentumAlerts
import MomentumEngine
import MomentumHTTP

/// A destination as the file describes it.
struct AlertDestinationConfig: Equatable {
    enum Kind: String, CaseIterable { case stdout, slack, discord, webhook, sns }
    var name: String
    var kind: Kind
    /// The variable holding the URL (slack, discord, webhook).
    var urlVariable: String
    /// The variable holding the `whsec_` secret (webhook).
    var secretVariable: String
    /// The topic (sns); else MOMENTUM_ALERTS_TOPIC_ARN.
    var topicARN: String?

    static let knownKeys: [Kind: [String]] = [
        .stdout: ["type"], .slack: ["type", "url_env"], .discord: ["type", "url_env"],
        .webhook: ["type", "url_env", "secret_env"], .sns: ["type", "topic_arn"],
    ]

    /// `MOMENTUM_ALERT_<NAME>_<PART>`, the name upper-cased with `-` as `_`.
    static func defaultVariable(_ name: String, _ part: String) -> String {
        "MOMENTUM_ALERT_\(name.uppercased().replacingOccurrences(of: "-", with: "_"))_\(part)"
    }
}

enum AlertConfig {
    /// The destination every configuration has: the command's own output.
    static let standardOutput = AlertDestinationConfig(name: "stdout", kind: .stdout, urlVariable: "", secretVariable: "", topicARN: nil)

    static func rules(_ value: Any?, path: String) throws -> [AlertRule] {
        guard let value else { return [] }
        guard let list = value as? [Any] else {
            throw CommandFailure.usage("config file \(path): \"alerts\" must be a list of rules such as [{\"id\": \"spikes\", \"kind\": \"spike\", \"destinations\": [\"stdout\"]}]")
        }
        guard list.count <= 200 else { throw CommandFailure.usage("config file \(path): \"alerts\" holds \(list.count) rules; at most 200") }
        var rules: [AlertRule] = []
        for (index, item) in list.enumerated() {
            do {
                let data = try JSONSerialization.data(withJSONObject: item, options: [.fragmentsAllowed])
                rules.append(try JSONDecoder().decode(AlertRule.self, from: data))
            } catch let error as AlertRuleError {
                throw CommandFailure.usage("config file \(path): alerts[\(index)]: \(TerminalText.sanitized(error.description))")
            } catch {
                throw CommandFailure.usage("config file \(path): alerts[\(index)] is not a rule object")
            }
        }
        var seen = Set<String>()
        for rule in rules where !seen.insert(rule.id).inserted {
            throw CommandFailure.usage("config file \(path): two alert rules have the id \"\(rule.id)\"; ids identify rules across edits, so each is unique")
        }
        return rules
    }

    static func destinations(_ value: Any?, path: String) throws -> [String: AlertDestinationConfig] {
        guard let value else { return [:] }
        guard let object = value as? [String: Any] else {
            throw CommandFailure.usage("config file \(path): \"alert_destinations\" must be an object of named destinations such as {\"team\": {\"type\": \"slack\"}}")
        }
        var destinations: [String: AlertDestinationConfig] = [:]
        for (name, item) in object.sorted(by: { $0.key < $1.key }) {
            let shown = TerminalText.sanitized(String(name.prefix(70)))
            func fail(_ message: String) -> CommandFailure { .usage("config file \(path): alert destination \"\(shown)\": \(message)") }
            guard AlertRule.isValidID(name) else { throw fail("a name is 1 to 64 letters, digits, '-' or '_'") }
            guard name != "stdout" else { throw fail("\"stdout\" is built in (the command's output); choose another name") }
            guard let fields = item as? [String: Any] else { throw fail("must be an object with a \"type\"") }
            let types = AlertDestinationConfig.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            guard let typeText = fields["type"] as? String, let kind = AlertDestinationConfig.Kind(rawValue: typeText) else {
                throw fail("\"type\" must be one of \(types)")
            }
            let known = AlertDestinationConfig.knownKeys[kind] ?? []
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                let hint = ["url", "secret"].contains(unknown) ? " (secrets never live in momentum.json: name the environment variable with \(unknown)_env)" : ""
                throw fail("unknown key \"\(TerminalText.sanitized(String(unknown.prefix(40))))\"\(hint); a \(kind.rawValue) destination takes \(known.joined(separator: ", "))")
            }
            func text(_ key: String) throws -> String? {
                guard let value = fields[key] else { return nil }
                guard let text = value as? String, !text.isEmpty else { throw fail("\"\(key)\" must be a non-empty string") }
                return text
            }
            let topic = try text("topic_arn")
            if let topic, !topic.hasPrefix("arn:") { throw fail("\"topic_arn\" must be an SNS topic ARN (arn:aws:sns:region:account:name)") }
            destinations[name] = AlertDestinationConfig(
                name: name, kind: kind, urlVariable: try text("url_env") ?? AlertDestinationConfig.defaultVariable(name, "URL"),
                secretVariable: try text("secret_env") ?? AlertDestinationConfig.defaultVariable(name, "SECRET"), topicARN: topic)
        }
        return destinations
    }

    static func check(rules: [AlertRule], destinations: [String: AlertDestinationConfig], path: String) throws {
        for rule in rules {
            for name in rule.destinations where name != "stdout" && destinations[name] == nil {
                throw CommandFailure.usage("config file \(path): alert rule \"\(rule.id)\" sends to \"\(TerminalText.sanitized(String(name.prefix(70))))\", which \"alert_destinations\" does not name")
            }
        }
    }
}

extension Settings {
    /// The destinations the rules use, with their secrets.
    func alertDestinations(for rules: [AlertRule]) async throws -> [String: AlertDestination] {
        var resolved: [String: AlertDestination] = [:]
        let names = Set(rules.flatMap(\.destinations))
        var secret: [String: [String: String]]?
        func fromSecret(_ name: String, _ field: String) async throws -> String? {
            guard let arn = environment["SPOTIFY_SECRET_ARN"], !arn.isEmpty else { return nil }
            if secret == nil { secret = try await SpotifySecret.alertSecrets(arn: arn, environment: environment, logger: logger) }
            return secret?[name]?[field]
        }
        for name in names.sorted() {
            let config = name == "stdout" ? AlertConfig.standardOutput : alertDestinationConfigs[name]
            guard let config else { throw CommandFailure.usage("alert destination \"\(name)\" is not configured") }
            func value(_ variable: String, field: String, what: String) async throws -> String {
                if let text = environment[variable], !text.isEmpty { return text }
                if let text = try await fromSecret(name, field), !text.isEmpty { return text }
                throw CommandFailure.usage("alert destination \"\(name)\" needs its \(what): set \(variable) (or, deployed, \"alerts\": {\"\(name)\": {\"\(field)\": ...}} in the secret of SPOTIFY_SECRET_ARN)")
            }
            func url() async throws -> URL {
                let text = try await value(config.urlVariable, field: "url", what: "webhook URL")
                guard let url = HTTPURL.parse(text) else { throw CommandFailure.usage("\(config.urlVariable) (alert destination \"\(name)\") is not an http or https URL") }
                // A webhook URL carries its credential: never in clear text, but on this machine.
                let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(url.host?.lowercased() ?? "")
                guard url.scheme?.lowercased() == "https" || loopback else {
                    throw CommandFailure.usage("\(config.urlVariable) (alert destination \"\(name)\") must be an https URL: a webhook URL is a credential")
                }
                return url
            }
            let target: AlertDestination.Target
            switch config.kind {
            case .stdout: target = .standardOutput
            case .slack: target = .slack(try await url())
            case .discord: target = .discord(try await url())
            case .webhook:
                let address = try await url()
                let secretText = try await value(config.secretVariable, field: "secret", what: "signing secret (whsec_...)")
                do { target = .webhook(address, try StandardWebhookSigner(secret: secretText)) } catch {
                    throw CommandFailure.usage("the signing secret of alert destination \"\(name)\" (\(config.secretVariable)) is not whsec_ followed by base64")
                }
            case .sns:
                guard let topic = config.topicARN ?? environment["MOMENTUM_ALERTS_TOPIC_ARN"].flatMap({ $0.isEmpty ? nil : $0 }) else {
                    throw CommandFailure.usage("alert destination \"\(name)\" (sns) needs \"topic_arn\" or MOMENTUM_ALERTS_TOPIC_ARN")
                }
                do {
                    let client = try SNSClient.standard(environment: environment, region: AWSRegion.configured(environment: environment) ?? AWSRegion.of(arn: topic),
                                                        logger: logger)
                    target = .sns(topicARN: topic, client: client)
                } catch let error as LakeError {
                    throw CommandFailure.usage("alert destination \"\(name)\" (sns): \(error.message)")
                }
            }
            resolved[name] = AlertDestination(name: name, target: target)
        }
        return resolved
    }
}
