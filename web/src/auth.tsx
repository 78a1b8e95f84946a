import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, client, ok, onTokensChange, type User } from './api';

interface Auth {
  user: User | undefined;
  loading: boolean;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [signedIn, setSignedIn] = useState(() => client.tokens !== undefined);
  useEffect(() => onTokensChange(() => setSignedIn(client.tokens !== undefined)), []);
  const me = useQuery({
    queryKey: ['me', signedIn],
    queryFn: () => ok(api.GET('/api/auth/me')),
    enabled: signedIn,
    staleTime: Infinity,
  });
  const value: Auth = {
    user: signedIn ? me.data : undefined,
    loading: signedIn && me.isPending,
    async login(email, password) {
      await client.login(email, password);
      const user = await ok(api.GET('/api/auth/me'));
      queryClient.setQueryData(['me', true], user);
      return user;
    },
    async logout() {
      await client.logout(); // revokes every token issued so far
      queryClient.clear();
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

export const isStaff = (user: User | undefined) => user?.role === 'ADMIN' || user?.role === 'AGENT';
