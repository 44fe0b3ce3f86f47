#ifndef TCPLAB_CPCAP_SHIM_H
#define TCPLAB_CPCAP_SHIM_H
#include <pcap/pcap.h>

#ifdef __linux__
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Capabilities, for a capture started without root from a binary given them by setcap:
 * once the capture socket is open they are no longer needed. syscall() is variadic, which Swift
 * cannot call, hence these two small C functions. They act on the calling thread only. */

/* 1 if the thread holds any permitted capability, 0 if none, -1 on error. */
static inline int tcplab_has_capabilities(void) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    return (data[0].permitted | data[1].permitted | data[0].effective | data[1].effective) != 0;
}

/* Clears the effective, permitted and inheritable sets: what is cleared from the permitted set
 * cannot be taken back. 0 on success, -1 on error (errno set). */
static inline int tcplab_clear_capabilities(void) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
    return (int)syscall(SYS_capset, &header, data);
}
#endif
#endif
