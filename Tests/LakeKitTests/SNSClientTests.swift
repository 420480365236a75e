// SNS's Query protocol on a scripted transport: a form-encoded Publish signed for `sns`, the
// message id read from the XML answer, a Query error typed by its code, throttling retried.

import Foundation
import LakeKit
import MomentumHTTP
import MomentumTestSupport
import Testing

@Suite struct SNSClientTests {
    static func client(_ script: ScriptedS3) -> SNSClient {
        SNSClient(credentials: S3ClientTests.Static(value: S3ClientTests.credentials), region: "eu-west-1",
                  endpoint: AWSEndpoint(url: URL(string: "http://127.0.0.1:5000")!, usesPathStyle: true, source: "test"),
                  transport: script.transport, retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(2)))
    }

    static let topic = "arn:aws:sns:eu-west-1:123456789012:momentum-alerts"

    @Test func publishIsAFormSignedForSNSAndAnswersTheMessageID() async throws {
        let script = ScriptedS3 { _, _ in
            TransportResponse(status: 200, body: Array("<PublishResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>".utf8))
        }
        let id = try await Self.client(script).publish("3 alerts & more: “Café”\nline two", topicARN: Self.topic, subject: "Momentum: Café\nspikes")
        #expect(id == "m-1")
        let request = try #require(script.requests.first)
        #expect(request.method == "POST" && request.header("Content-Type")?.hasPrefix("application/x-www-form-urlencoded") == true)
        #expect(request.header("Authorization")?.contains("/eu-west-1/sns/aws4_request") == true)
        let form = String(decoding: request.body ?? [], as: UTF8.self)
        #expect(form.contains("Action=Publish") && form.contains("Version=2010-03-31"))
        #expect(form.contains("TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Amomentum-alerts"))
        #expect(form.contains("Message=3%20alerts%20%26%20more%3A%20%E2%80%9CCaf%C3%A9%E2%80%9D%0Aline%20two"))
        // A subject is printable ASCII on one line.
        #expect(form.contains("Subject=Momentum%3A%20Caf%3F%3Fspikes"), "\(form)")
    }

    @Test func aQueryErrorIsTypedAndThrottlingIsRetried() async throws {
        let error = #"<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-9</RequestId></ErrorResponse>"#
        let missing = ScriptedS3 { _, _ in TransportResponse(status: 404, body: Array(error.utf8)) }
        do {
            try await Self.client(missing).publish("x", topicARN: Self.topic)
            Issue.record("a missing topic was published to")
        } catch let failure as AWSServiceError {
            #expect(failure.code == "NotFound" && failure.message == "Topic does not exist" && failure.requestID == "r-9" && missing.requests.count == 1)
        }
        let throttled = ScriptedS3 { _, index in
            index == 0 ? TransportResponse(status: 400, body: Array("<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>".utf8))
                : TransportResponse(status: 200, body: Array("<PublishResponse><PublishResult><MessageId>m-2</MessageId></PublishResult></PublishResponse>".utf8))
        }
        #expect(try await Self.client(throttled).publish("x", topicARN: Self.topic) == "m-2" && throttled.requests.count == 2)
    }
}
