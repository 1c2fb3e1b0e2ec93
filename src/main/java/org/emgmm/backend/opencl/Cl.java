package org.emgmm.backend.opencl;

import static org.jocl.CL.CL_SUCCESS;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Error checking and info queries over JOCL, without {@code CL.setExceptionsEnabled}: every return code is checked
 * here and a failure throws an {@link OpenClException} naming the call.
 */
final class Cl {
    private Cl() {
    }

    /**
     * @param code an OpenCL return code
     * @param call the call that returned it, for the message
     * @throws OpenClException when the code is not CL_SUCCESS
     */
    static void check(int code, String call) {
        if (code != CL_SUCCESS) {
            throw new OpenClException(call + " failed: " + errorName(code) + " (" + code + ")", code);
        }
    }

    /** @return the symbolic name of an OpenCL error code */
    static String errorName(int code) {
        if (code == -1001) {
            return "CL_PLATFORM_NOT_FOUND_KHR";
        }
        try {
            return CL.stringFor_errorCode(code);
        } catch (RuntimeException e) {
            return "error";
        }
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        check(CL.clGetPlatformInfo(p, param, 0, null, size), "clGetPlatformInfo");
        byte[] buf = new byte[(int) size[0]];
        check(CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null), "clGetPlatformInfo");
        return cString(buf);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        check(CL.clGetDeviceInfo(d, param, 0, null, size), "clGetDeviceInfo");
        byte[] buf = new byte[(int) size[0]];
        check(CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null), "clGetDeviceInfo");
        return cString(buf);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        check(CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        check(CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    static long deviceSize(cl_device_id d, int param) {
        ByteBuffer b = ByteBuffer.allocate(Sizeof.size_t).order(ByteOrder.nativeOrder());
        check(CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(b), null), "clGetDeviceInfo");
        return Sizeof.size_t == 8 ? b.getLong(0) : b.getInt(0);
    }

    private static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).trim();
    }
}
