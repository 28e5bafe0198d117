import Testing

@testable import HXIO

// Tests of HXIO are added by the issue that builds it.
